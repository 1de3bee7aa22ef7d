/**
 * Every policy of the pack, in the registry's order. Tests import this module (never `index.ts`, whose
 * PolicyPack constructor starts a server).
 */
import { Policy } from "@pulumi/policy";
import { POLICY_REGISTRY } from "./registry";

/** The pack's policies. */
export const ALL_POLICIES: Policy[] = [...POLICY_REGISTRY];
