export * from "./failure-event-pattern";
export * from "./failure-topic";
export * from "./job-failure-notification";
export * from "./result-filter-definition";
export * from "./schedule-failure-alarms";
