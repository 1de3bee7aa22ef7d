/**
 * Every policy of the pack, in the order the README lists them. Tests import this module (never
 * `index.ts`, whose PolicyPack constructor starts a server).
 */
import { Policy } from "@pulumi/policy";
import { backupSchedule } from "./backup";
import { autoscalerOwnsReplicas, quorumOddVoters, replicasSpread, statefulSetDisruptionBudget } from "./availability";
import { headlessServicePublishesNotReady, stableNames, statefulSetHeadlessService, statefulSetSelectorMatchesTemplate } from "./discovery";
import { productionDataProtected, workloadHygiene } from "./hygiene";
import { dataNetworkPolicy, dataStoreLivenessDistinct, noAllCapabilities } from "./peers";
import { dataOnPersistentVolumes, operatorStoragePersistent, pvcRetention } from "./storage";

/** The pack's policies. */
export const ALL_POLICIES: Policy[] = [
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
