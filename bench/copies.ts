/**
 * The benchmark's large stack program (`bench/copies-index.ts` says how the CLI runs it): N copies of
 * all six systems, copy i in its own namespace `bench-<i>`, components named `<system>-<i>` (as in
 * `bench/eval.ts copies N`). Its config:
 *
 *   stateful-k8s:copies     N (default 1)
 *   stateful-k8s:replicas   per-component replica counts, e.g. `pulumi config set --path replicas.eureka-0 5`
 *                           (default 3 for each: Redis 3 nodes and 3 sentinels)
 *   the secrets of the stack program (`SECRET_KEYS` in `stacks/config.ts`: nacosAuthToken, ...)
 *
 * The same function renders the manifests of the kubectl baseline under mocks (`bench/render-copies.ts`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allSix } from "./six";

/** Namespace of copy `i`. */
export const copyNamespace = (i: number): string => `bench-${i}`;

/** The StorageClass the local control plane (scripts/cluster.sh) binds claims of. */
export const STORAGE_CLASS = "standard";

/** Deploys the copies; the returned object becomes the stack's outputs. */
export async function deployCopies(): Promise<Record<string, unknown>> {
    const config = new pulumi.Config();
    const copies = config.getNumber("copies") ?? 1;
    const replicasOf = Object.fromEntries(
        Object.entries(config.getObject<Record<string, number | string>>("replicas") ?? {}).map(([k, v]) => [k, Number(v)]),
    );
    const secretOf = (key: string): pulumi.Output<string> => config.requireSecret(key);
    for (let i = 0; i < copies; i++) {
        const namespace = copyNamespace(i);
        const ns = new k8s.core.v1.Namespace(`ns-${namespace}`, { metadata: { name: namespace } });
        allSix(`-${i}`, 3, secretOf, { namespace, storageClassName: STORAGE_CLASS, replicasOf, opts: { dependsOn: [ns] } });
    }
    return { copies, namespaces: Array.from({ length: copies }, (_, i) => copyNamespace(i)) };
}
