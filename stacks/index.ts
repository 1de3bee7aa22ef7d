/** Entry point of the `stateful-k8s` Pulumi project (see `Pulumi.yaml`). */
import { deployStack } from "./program";

export = deployStack;
