/**
 * Entry point of the benchmark's large stack (`bench/copies.ts`): `bench/run.ts` writes this file over
 * `stacks/index.ts` in a copy of the project, so that the Pulumi CLI and the Node.js language host run
 * it exactly as they run the real stack program (`Pulumi.yaml`'s `main: stacks/index.ts`). Its imports
 * resolve the same from `bench/` and from `stacks/`.
 */
import { deployCopies } from "../bench/copies";

export = deployCopies;
