import { moduleReadme, TF_DOCS_BEGIN, TF_DOCS_END } from "../../scripts/terraform-modules/readme";
import { TerraformModule } from "../../scripts/terraform-modules/terraform-module";

/** A module with what the tables must show: required and optional inputs out of name order. */
const example: TerraformModule = {
  name: "example",
  summary: "An example.",
  notOffered: ["Nothing."],
  variables: [
    { name: "job_name", type: "string", description: "Name of the job.", example: '"report"' },
    {
      name: "ecr_repository_arns",
      type: "list(string)",
      description: "Repositories; `a|b` is not allowed here, a | b is.",
      default: ["*"],
    },
    { name: "cluster_arn", type: "string", description: "ARN of the cluster.", example: "x" },
    { name: "tags", type: "map(string)", description: "Tags.", default: { b: "2", a: "1" } },
    { name: "command", type: "list(string)", description: "Command.", default: null },
  ],
  outputs: [
    { name: "rule_name", description: "Name of the rule: `<job_name>-failed`." },
    { name: "log_group_arn", description: "ARN of the log group." },
  ],
  build: () => ({}),
};

/** The rows of the table under `heading`, as lists of cells. */
function tableUnder(readme: string, heading: string): string[][] {
  const lines = readme.split(`${heading}\n\n`)[1].split("\n");
  const rows = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith("|")),
  );
  return rows.map((row) =>
    row
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  );
}

describe("a module README's inputs and outputs", () => {
  const readme = moduleReadme({
    ...example,
    variables: example.variables.map((v) =>
      v.name === "ecr_repository_arns" ? { ...v, description: "Repositories, a | b." } : v,
    ),
  });

  it("are terraform-docs' markdown tables, between its markers", () => {
    const tables = readme.slice(readme.indexOf(TF_DOCS_BEGIN), readme.indexOf(TF_DOCS_END));
    expect(tables).toContain("## Inputs");
    expect(tables).toContain("## Outputs");
    const [header, delimiter] = tableUnder(readme, "## Inputs");
    expect(header).toEqual(["Name", "Description", "Type", "Default", "Required"]);
    // Every column left-aligned but Required, which is centred.
    expect(delimiter.map((cell) => (/^-+$/.test(cell) ? "left" : cell.replace(/-+/, "-")))).toEqual(
      ["left", "left", "left", "left", ":-:"],
    );
    expect(tableUnder(readme, "## Outputs")[0]).toEqual(["Name", "Description"]);
  });

  it("list required inputs first, each group by name, with n/a, yes and no", () => {
    expect(tableUnder(readme, "## Inputs").slice(2)).toEqual([
      ["cluster_arn", "ARN of the cluster.", "`string`", "n/a", "yes"],
      ["job_name", "Name of the job.", "`string`", "n/a", "yes"],
      ["command", "Command.", "`list(string)`", "`null`", "no"],
      [
        "ecr_repository_arns",
        "Repositories, a \\| b.",
        "`list(string)`",
        '<pre>[<br/> "*"<br/>]</pre>',
        "no",
      ],
      ["tags", "Tags.", "`map(string)`", '<pre>{<br/> "a": "1",<br/> "b": "2"<br/>}</pre>', "no"],
    ]);
  });

  it("list outputs by name", () => {
    expect(tableUnder(readme, "## Outputs").slice(2)).toEqual([
      ["log_group_arn", "ARN of the log group."],
      ["rule_name", "Name of the rule: `<job_name>-failed`."],
    ]);
  });

  it("centre the Required column as Prettier does, so the file passes prettier --check", () => {
    expect(readme).toMatch(/^\| cluster_arn +\| .* \| +yes +\|$/m);
    expect(readme).toContain("|   yes    |");
    expect(readme).toContain("|    no    |");
  });
});

describe("a description the tables cannot show as written", () => {
  const withDescription = (description: string) => () =>
    moduleReadme({
      ...example,
      variables: [{ name: "job_name", type: "string", description, example: '"x"' }],
    });

  it("is refused with a '<' outside a code span, which GitHub would take for HTML", () => {
    expect(withDescription("The SSM parameter <prefix>/<job_name>.")).toThrow(
      "the description of variable job_name has '<' or '>' outside a code span",
    );
    expect(withDescription("The SSM parameter `<prefix>/<job_name>`.")).not.toThrow();
  });

  it("is refused with a '|' in a code span, which would break the table", () => {
    expect(withDescription("Either `a|b`.")).toThrow("has a '|' in a code span");
  });
});
