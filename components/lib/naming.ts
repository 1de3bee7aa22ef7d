/** The names every StatefulSet-based component derives from its own name, and the members' DNS names. */

/** Defaults shared by every component: where it lives and the cluster's DNS domain. */
export const WORKLOAD_DEFAULTS = { namespace: "default", clusterDomain: "cluster.local" } as const;

/** Names every stateful component derives from its own name. */
export interface WorkloadNames {
    /** Namespace of every object. */
    namespace: string;
    /** The StatefulSet (also the prefix of its pods): the component name. */
    statefulSet: string;
    /** The headless Service that governs the StatefulSet: `<name>-headless`. */
    headlessService: string;
    /** The client Service: the component name. */
    clientService: string;
    /** What follows a pod name in its stable DNS name: `.<headless>.<namespace>.svc.<clusterDomain>`. */
    memberSuffix: string;
    /** In-cluster DNS name of every member, in ordinal order. */
    members: string[];
    /** In-cluster DNS name of the client Service. */
    clientHost: string;
}

/** Derives the object names and member DNS names of a component named `name` with `replicas` members. */
export function workloadNames(name: string, namespace: string, replicas: number, clusterDomain: string): WorkloadNames {
    const headlessService = `${name}-headless`;
    return {
        namespace,
        statefulSet: name,
        headlessService,
        clientService: name,
        memberSuffix: `.${headlessService}.${namespace}.svc.${clusterDomain}`,
        members: memberDnsNames(name, replicas, headlessService, namespace, clusterDomain),
        clientHost: `${name}.${namespace}.svc.${clusterDomain}`,
    };
}

/** In-cluster DNS name of member `ordinal` of a StatefulSet governed by `headless`. */
export function memberDnsName(sts: string, ordinal: number, headless: string, namespace: string, clusterDomain: string): string {
    return `${sts}-${ordinal}.${headless}.${namespace}.svc.${clusterDomain}`;
}

/** DNS names of members 0..replicas-1. */
export function memberDnsNames(sts: string, replicas: number, headless: string, namespace: string, clusterDomain: string): string[] {
    return Array.from({ length: replicas }, (_, i) => memberDnsName(sts, i, headless, namespace, clusterDomain));
}
