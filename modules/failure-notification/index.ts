export * from "./failure-destination";
export * from "./failure-event-pattern";
export * from "./failure-topic";
export * from "./job-failure-notification";
export * from "./failure-notice-filter";
export * from "./notice-filter-definition";
export * from "./task-notice";
export * from "./schedule-failure-alarms";
