/**
 * The registry of the pack's policies: the one ordered list that `all.ts` (the pack), the generated table
 * in docs/policy-pack.md and the tests take. Each policy is one `statefulPolicy({...})` in its module
 * (name, description, enforcement, what it protects against, config and check); adding one is that
 * object and one line below (tests/policies/registry.test.ts fails on a policy left out).
 */
import { Policy } from "@pulumi/policy";
import { autoscalerOwnsReplicas } from "./autoscaling";
import { replicasSpread, statefulSetDisruptionBudget } from "./availability";
import { backupSchedule } from "./backup";
import { headlessServicePublishesNotReady, stableNames, statefulSetHeadlessService, statefulSetSelectorMatchesTemplate } from "./discovery";
import { productionDataProtected, workloadHygiene } from "./hygiene";
import { StatefulPolicy } from "./lib/define";
import { dataNetworkPolicy, dataStoreLivenessDistinct, noAllCapabilities } from "./peers";
import { quorumOddVoters } from "./quorum";
import { dataOnPersistentVolumes, operatorStoragePersistent, pvcRetention } from "./storage";

/** Every policy of the pack, in the order the pack runs them and the docs list them. */
export const POLICY_REGISTRY: readonly StatefulPolicy[] = [
    statefulSetHeadlessService,
    statefulSetSelectorMatchesTemplate,
    dataOnPersistentVolumes,
    pvcRetention,
    statefulSetDisruptionBudget,
    headlessServicePublishesNotReady,
    replicasSpread,
    stableNames,
    autoscalerOwnsReplicas,
    quorumOddVoters,
    operatorStoragePersistent,
    workloadHygiene,
    productionDataProtected,
    dataStoreLivenessDistinct,
    dataNetworkPolicy,
    noAllCapabilities,
    backupSchedule,
];

/** Whether a policy checks the whole stack (`stack`) or one resource at a time (`resource`). */
export function policyKind(policy: Policy): "stack" | "resource" {
    return "validateStack" in policy ? "stack" : "resource";
}

/** The Markdown table of the pack's policies (name, kind, default enforcement, what it protects against). */
export function policyTable(): string {
    const rows = POLICY_REGISTRY.map(
        (policy) => `| \`${policy.name}\` | ${policyKind(policy)} | ${policy.enforcementLevel ?? "advisory"} | ${policy.protectsAgainst} |`,
    );
    return ["| policy | kind | default | protects against |", "| --- | --- | --- | --- |", ...rows].join("\n") + "\n";
}
