import { mermaidId, mermaidLabel } from "../../scripts/workflow-docs/mermaid";

describe("mermaidLabel", () => {
  it("quotes the text, so parentheses, *, ?, / and : of an expression stay text", () => {
    expect(mermaidLabel(["cron(0 3 * * ? *)"])).toBe('"cron(0 3 * * ? *)"');
    expect(mermaidLabel(["at(2026-12-01T03:00:00)"])).toBe('"at(2026-12-01T03:00:00)"');
    expect(mermaidLabel(["Asia/Tokyo"])).toBe('"Asia/Tokyo"');
  });

  it("writes #, a double quote, &, <, > and a backtick as Mermaid entity codes", () => {
    expect(mermaidLabel(["cron(0 3 ? * 6#3 *)"])).toBe('"cron(0 3 ? * 6#35;3 *)"');
    expect(mermaidLabel(['say "hi" & <b> `x`'])).toBe(
      '"say #quot;hi#quot; #amp; #lt;b#gt; #96;x#96;"',
    );
  });

  it("escapes a # that already looks like an entity code, so it stays as written", () => {
    expect(mermaidLabel(["#quot;"])).toBe('"#35;quot;"');
  });

  it("joins lines, and the lines within an entry, with <br/>", () => {
    expect(mermaidLabel(["a", "b\nc", "d\r\ne"])).toBe('"a<br/>b<br/>c<br/>d<br/>e"');
  });

  it("sets the first line in bold when asked, after escaping it", () => {
    expect(mermaidLabel(["<job>", "timeout 1 h"], { firstLineBold: true })).toBe(
      '"<b>#lt;job#gt;</b><br/>timeout 1 h"',
    );
  });
});

describe("mermaidId", () => {
  it("numbers nodes from 1 after their kind, whatever the names in the config", () => {
    expect(mermaidId("job", 0)).toBe("job1");
    expect(mermaidId("stage", 2)).toBe("stage3");
  });
});
