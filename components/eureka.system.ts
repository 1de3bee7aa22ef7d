/** Eureka's binding: how a stack configures, creates and reports it (see `lib/system.ts`). */
import { Eureka, EUREKA_DEFAULTS, validateEurekaArgs } from "./eureka";
import { defineSystem } from "./lib/system";

/** Eureka in a stack: `eureka:` in the stack config; outputs the peer list and the client endpoint. */
export const eurekaSystem = defineSystem({
    key: "eureka",
    component: Eureka,
    secrets: {},
    defaults: EUREKA_DEFAULTS,
    deployed: {},
    validate: validateEurekaArgs,
    counts: (c) => ({ eureka: c.replicas }),
    outputs: (c) => ({ peerUrls: c.peerUrls, clientEndpoint: c.clientEndpoint, statefulSet: c.statefulSetName }),
});
