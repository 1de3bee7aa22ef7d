/**
 * Serves this repository as a Pulumi component provider plugin (the SDK's component host: schema
 * inferred from the Args interfaces, components constructed on request). `pulumi package add
 * <repo>/plugin` runs it through the Node.js language host; a CLI without one starts it through the
 * executable launcher: `pulumi package get-schema <repo>/scripts/pulumi-resource-stateful-k8s`.
 */
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import * as path from "path";
import { Eureka, Kafka, Nacos, RabbitMQ, Redis, TiDB } from "../components";

/** The components this package serves. */
export const COMPONENTS = [Eureka, Nacos, RabbitMQ, Redis, Kafka, TiDB];

componentProviderHost({
    dirname: path.resolve(__dirname, ".."),
    name: "stateful-k8s",
    components: COMPONENTS,
}).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
});
