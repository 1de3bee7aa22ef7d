/** What the Nacos image's start script is given: the member list of `cluster.conf` and the JVM sizes. */
import { memoryMiB } from "../lib/quantity";
import { NACOS_PORTS } from "./args";

/**
 * JVM sizes for the image's start script (`JVM_XMS`, `JVM_XMX`, `JVM_XMN`): a fixed heap of half the
 * memory request (the rest is metaspace, up to `JVM_MMS` 320m, thread stacks and direct buffers), and a
 * young generation of half the heap, the proportions of the image's own 1g/1g/512m.
 */
export function nacosJvmSizes(memoryRequest: string): { JVM_XMS: string; JVM_XMX: string; JVM_XMN: string } {
    const heap = Math.floor(memoryMiB(memoryRequest) / 2);
    return { JVM_XMS: `${heap}m`, JVM_XMX: `${heap}m`, JVM_XMN: `${Math.floor(heap / 2)}m` };
}

/** The `cluster.conf` entries (`<member>:8848`) of a cluster, one per replica. */
export function nacosClusterMembers(memberNames: string[]): string[] {
    return memberNames.map((host) => `${host}:${NACOS_PORTS.http}`);
}
