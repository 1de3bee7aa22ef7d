/**
 * Serves this repository as a Pulumi component provider plugin (the SDK's component host: schema
 * inferred from the Args interfaces, components constructed on request). The CLI starts it through the
 * Node.js language host for `pulumi package get-schema <repo>/plugin`, `pulumi package add <repo>/plugin`
 * and a program naming `<repo>/plugin` under `packages:` (see examples/yaml).
 */
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import * as path from "path";
import { STATEFUL_SYSTEMS } from "../components/systems";

/** The components this package serves: every registered system's. */
export const COMPONENTS = STATEFUL_SYSTEMS.map((s) => s.component);

componentProviderHost({
    dirname: path.resolve(__dirname, ".."),
    name: "stateful-k8s",
    components: COMPONENTS,
}).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
});
