package ecsbatch.eventruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.JsonRuleCompiler;
import software.amazon.event.ruler.Machine;

/**
 * Matches EventBridge event patterns against events with event-ruler, the matching engine AWS
 * publishes as EventBridge's, and tells for every pattern which events it matches.
 *
 * <p>Reads from stdin {@code {"patterns": {NAME: PATTERN, ...}, "events": {NAME: EVENT, ...}}} and
 * prints {@code {PATTERN NAME: {EVENT NAME: {"arrayConsistent": BOOLEAN, "flattened": BOOLEAN}}}},
 * in the order of the input. Each pattern gets a machine of its own, so no pattern's result depends
 * on the others.
 *
 * <p>event-ruler matches in two ways, which differ only on arrays of objects such as
 * {@code detail.containers}:
 *
 * <ul>
 *   <li>{@code arrayConsistent}: {@code GenericMachine.rulesForJSONEvent(String)}. Its javadoc:
 *       "Array-Consistent means that we reject matches where fields which are members of different
 *       elements of the same JSON array in the event are matched." A pattern on {@code
 *       containers.name} and {@code containers.exitCode} matches only one element that has both.
 *       Since event-ruler 2.0 it runs the StructuredFinder (the builder's {@code
 *       withStructuredMatching}, default true); the ACFinder it replaced is run as well, and the two
 *       must agree.
 *   <li>{@code flattened}: {@code GenericMachine.rulesForEvent(String)}, which flattens the event
 *       into sorted name/value pairs ({@code detail.containers.name}, {@code
 *       detail.containers.exitCode}, each with the values of every element) and matches each field
 *       on its own, so the name of one container and the exit code of another can match together.
 *       It is deprecated: "The rulesForJSONEvent version provides array-consistent matching, which
 *       is probably what your users want."
 * </ul>
 *
 * <p>A pattern event-ruler rejects (EventBridge would reject it too) is reported on stderr with its
 * name and the reason, and the exit status is 2; a disagreement of the two array-consistent finders
 * exits with 3; input that is not of the shape above exits with 1.
 */
public final class MatchEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private MatchEvents() {}

  public static void main(String[] args) throws IOException {
    JsonNode input = JSON.readTree(System.in);
    Map<String, String> patterns = objectsOf(input, "patterns");
    Map<String, String> events = objectsOf(input, "events");

    List<String> errors = new ArrayList<>();
    Map<String, Machine> structured = new LinkedHashMap<>();
    Map<String, Machine> stepQueue = new LinkedHashMap<>();
    for (Map.Entry<String, String> pattern : patterns.entrySet()) {
      String name = pattern.getKey();
      // addRule falls back to an older compiler when this one fails; check() gives this one's reason.
      String invalid = JsonRuleCompiler.check(pattern.getValue());
      if (invalid != null) {
        errors.add("pattern '" + name + "' is invalid: " + oneLine(invalid));
        continue;
      }
      try {
        structured.put(name, machineOf(name, pattern.getValue(), true));
        stepQueue.put(name, machineOf(name, pattern.getValue(), false));
      } catch (Exception e) {
        errors.add("pattern '" + name + "' is invalid: " + oneLine(e.getMessage()));
      }
    }
    if (!errors.isEmpty()) {
      exit(2, errors);
    }

    ObjectNode output = JSON.createObjectNode();
    for (String patternName : patterns.keySet()) {
      ObjectNode row = output.putObject(patternName);
      for (Map.Entry<String, String> event : events.entrySet()) {
        String json = event.getValue();
        boolean arrayConsistent = matches(structured.get(patternName), json);
        if (arrayConsistent != matches(stepQueue.get(patternName), json)) {
          errors.add(
              "event-ruler's two array-consistent finders disagree on pattern '"
                  + patternName
                  + "' and event '"
                  + event.getKey()
                  + "': StructuredFinder says "
                  + arrayConsistent);
        }
        ObjectNode cell = row.putObject(event.getKey());
        cell.put("arrayConsistent", arrayConsistent);
        cell.put("flattened", matchesFlattened(structured.get(patternName), json));
      }
    }
    if (!errors.isEmpty()) {
      exit(3, errors);
    }
    System.out.println(JSON.writeValueAsString(output));
  }

  private static Machine machineOf(String name, String pattern, boolean structuredMatching)
      throws IOException {
    Machine machine = Machine.builder().withStructuredMatching(structuredMatching).build();
    machine.addRule(name, pattern);
    return machine;
  }

  private static boolean matches(Machine machine, String event) {
    try {
      return !machine.rulesForJSONEvent(event).isEmpty();
    } catch (Exception e) {
      throw new IllegalStateException("event-ruler could not read an event: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("deprecation")
  private static boolean matchesFlattened(Machine machine, String event) {
    return !machine.rulesForEvent(event).isEmpty();
  }

  /** The members of the input's object {@code field}, each an object, as JSON text by name. */
  private static Map<String, String> objectsOf(JsonNode input, String field) throws IOException {
    JsonNode members = input == null ? null : input.get(field);
    if (members == null || !members.isObject()) {
      exit(1, List.of("input needs \"" + field + "\": an object of named JSON objects"));
    }
    Map<String, String> texts = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> member : members.properties()) {
      if (!member.getValue().isObject()) {
        exit(1, List.of(field + " '" + member.getKey() + "' is not a JSON object"));
      }
      texts.put(member.getKey(), JSON.writeValueAsString(member.getValue()));
    }
    return texts;
  }

  /** Jackson puts the location of a parse error on a line of its own. */
  private static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*\\R\\s*", " ");
  }

  private static void exit(int status, List<String> errors) {
    errors.forEach(System.err::println);
    System.exit(status);
  }
}
