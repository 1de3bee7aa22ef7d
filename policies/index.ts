/**
 * The stateful-k8s policy pack: run it against any Pulumi program with
 * `pulumi preview --policy-pack ./policies [--policy-pack-config ./policies/production.json]`.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES } from "./all";

new PolicyPack("stateful-k8s", {
    description: "Catches the Kubernetes mistakes that lose data or break peer discovery in stateful workloads.",
    policies: ALL_POLICIES,
});
