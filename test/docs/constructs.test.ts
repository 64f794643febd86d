import { join } from "node:path";
import ts from "typescript";
import { readPage, ROOT, section, tableStartingWith } from "./markdown";

/**
 * Every class that modules/index.ts exports and that extends Construct, with the props its
 * constructor takes (the third parameter), read from the types by the TypeScript compiler.
 */
function exportedConstructs(): { name: string; props: string[] }[] {
  const index = join(ROOT, "modules", "index.ts");
  const program = ts.createProgram([index], { strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const isConstruct = (type: ts.Type): boolean =>
    type.symbol?.name === "Construct" ||
    checker.getBaseTypes(type as ts.InterfaceType).some(isConstruct);
  return checker
    .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(index)!)!)
    .map((symbol) =>
      symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    )
    .filter((symbol) => symbol.flags & ts.SymbolFlags.Class)
    .filter((symbol) =>
      checker
        .getBaseTypes(checker.getDeclaredTypeOfSymbol(symbol) as ts.InterfaceType)
        .some(isConstruct),
    )
    .map((symbol) => {
      const [constructor] = checker.getTypeOfSymbol(symbol).getConstructSignatures();
      const propsParameter = constructor.getParameters()[2];
      const props = checker.getNonNullableType(checker.getTypeOfSymbol(propsParameter));
      return {
        name: symbol.name,
        props: checker
          .getPropertiesOfType(props)
          .map((p) => p.name)
          .sort(),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The props a props table names: the top-level names in backticks of its first column. */
function propsNamedIn(table: string[][]): string[] {
  const names = table.flatMap(([first]) =>
    [...first.matchAll(/`([A-Za-z]\w*)[`.]/g)].map((m) => m[1]),
  );
  return [...new Set(names)].sort();
}

const constructs = exportedConstructs();
const page = readPage("docs/constructs.md");

describe("docs/constructs.md", () => {
  it("knows the library's constructs (the compiler finds the ones the catalogue names)", () => {
    expect(constructs.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "BatchJob",
        "FailureNoticeFilter",
        "JobWorkflow",
        "StackDeployPolicy",
      ]),
    );
  });

  it.each(constructs)(
    "has a section for $name, with a table of exactly its props",
    ({ name, props }) => {
      const text = section(page, `### ${name}`);
      if (text === undefined) {
        throw new Error(
          `docs/constructs.md has no section '### ${name}': add one, with its props and an example`,
        );
      }
      const table = tableStartingWith(text, "prop");
      expect(table).toBeDefined();
      expect(propsNamedIn(table!)).toEqual(props);
    },
  );
});
