import { join } from "node:path";
import ts from "typescript";

/**
 * The fields of the contract's RunRecord, read from contract/run-record.ts by the TypeScript
 * compiler: what a ledger record holds, so what `detail.<field>` a query may read.
 */
export function runRecordFields(): string[] {
  const file = join(__dirname, "..", "..", "..", "contract", "run-record.ts");
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true });
  const source = program.getSourceFile(file)!;
  const record = source.statements.find(
    (s): s is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(s) && s.name.text === "RunRecord",
  );
  if (record === undefined) {
    throw new Error("contract/run-record.ts declares no interface RunRecord");
  }
  return record.members.map((member) => (member.name as ts.Identifier).text);
}
