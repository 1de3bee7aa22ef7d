/**
 * The labels and annotations the components put on their objects for the policy pack and for people,
 * and the quorum arithmetic both sides rely on: what a policy reads is written here and nowhere else.
 */
import { imageVersionLabel } from "./image";

/** Labels on every object the package creates: which project it belongs to and what manages it. */
export const PACKAGE_LABELS = { "app.kubernetes.io/part-of": "stateful-k8s", "app.kubernetes.io/managed-by": "pulumi" } as const;

/** Label and annotation keys of the package's own contract with the policy pack. */
export const CONTRACT_KEYS = {
    /** StatefulSet label: the members vote (a quorum system), `"true"`. */
    quorum: "stateful-k8s.io/quorum",
    /** StatefulSet annotation: `"none"` declares that a StatefulSet without claim templates keeps no data. */
    data: "stateful-k8s.io/data",
    /** Service label: `"peer-discovery"` (the headless Service) or `"client"`. */
    serviceRole: "stateful-k8s.io/service-role",
    /** Pod label of a component's Job, which must never carry the members' labels. */
    job: "stateful-k8s.io/job",
} as const;

/** The recommended `app.kubernetes.io/*` labels; the first two (name and instance) are the immutable selector. */
export function recommendedLabels(
    system: string,
    instance: string,
    image: string,
    component = "server",
): {
    selector: Record<string, string>;
    all: Record<string, string>;
} {
    const selector = { "app.kubernetes.io/name": system, "app.kubernetes.io/instance": instance };
    return {
        selector,
        all: {
            ...selector,
            "app.kubernetes.io/version": imageVersionLabel(image),
            "app.kubernetes.io/component": component,
            ...PACKAGE_LABELS,
        },
    };
}

/** The fewest members that keep a majority of `members`: floor(n/2) + 1. */
export function majority(members: number): number {
    return Math.floor(members / 2) + 1;
}

/**
 * How many of `members` a voluntary disruption may take down at once: while a majority stays up for a
 * quorum system, while one member stays up otherwise; never fewer than one, so nodes can be drained.
 */
export function toleratedDisruptions(members: number, quorum: boolean): number {
    return Math.max(1, quorum ? members - majority(members) : members - 1);
}
