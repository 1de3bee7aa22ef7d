/**
 * Pieces of a pod spec every component uses the same way: placement on nodes, anti-affinity, the
 * container hardening, and the checksum that rolls pods when their configuration changes.
 */
import * as k8s from "@pulumi/kubernetes";
import { createHash } from "crypto";
import { SchedulingArgs, TolerationArgs } from "./types";

/** A short, stable checksum of some configuration text, for a pod-template annotation that rolls pods when it changes. */
export function checksum(text: string): string {
    return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The pod-spec fields that place members on nodes; none when the defaults apply (rendered pods unchanged). */
export function podPlacement(scheduling: Required<SchedulingArgs>): {
    nodeSelector?: { [key: string]: string };
    tolerations?: TolerationArgs[];
} {
    return {
        ...(Object.keys(scheduling.nodeSelector).length > 0 ? { nodeSelector: scheduling.nodeSelector } : {}),
        ...(scheduling.tolerations.length > 0 ? { tolerations: scheduling.tolerations } : {}),
    };
}

/** Pod anti-affinity that spreads the pods matching `selector` over nodes: required, or preferred (weight 100). */
export function podAntiAffinity(selector: Record<string, string>, required: boolean): k8s.types.input.core.v1.Affinity {
    const term = { labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" };
    return {
        podAntiAffinity: required
            ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
            : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    };
}

/**
 * The security context of every container: no capability (the ports are unprivileged, and an image that
 * runs as root writes only files root owns), no privilege escalation, and a read-only image when the
 * container writes only to its volumes.
 */
export function containerSecurityContext(readOnlyRootFilesystem: boolean): k8s.types.input.core.v1.SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        ...(readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
    };
}

/** The pod security context of the helper Jobs: the unprivileged user `nobody` (65534) and the runtime's seccomp profile. */
export function nobodyPodSecurityContext(fsGroup = false): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        ...(fsGroup ? { fsGroup: 65534 } : {}),
        seccompProfile: { type: "RuntimeDefault" },
    };
}
