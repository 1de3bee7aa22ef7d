/**
 * Eureka's alerts. The default image (steeltoeoss/eureka-server) serves no Prometheus metrics, so the
 * rules use kube-state-metrics only; with an image that serves `/actuator/prometheus`
 * (`prometheusMetrics: true`) Prometheus's own `up` of the ServiceMonitor's targets is added. Eureka
 * peers replicate to each other without a quorum: no majority rule.
 */
import { AlertGroup, selector, statefulSetRules, targetDownRule } from "../lib/alerts";

/** Where a Eureka cluster's series are found. */
export interface EurekaAlertScope {
    namespace: string;
    /** StatefulSet name (also the client Service the ServiceMonitor selects). */
    statefulSet: string;
    /** Whether the image serves Prometheus metrics (and so has an `up` series). */
    scraped: boolean;
}

/** The rule group of one Eureka cluster. */
export function eurekaAlerts(scope: EurekaAlertScope): AlertGroup {
    const rules = statefulSetRules(
        { prefix: "Eureka", members: "Eureka servers", namespace: scope.namespace, statefulSet: scope.statefulSet },
        undefined,
    );
    if (scope.scraped) {
        rules.push(targetDownRule("Eureka", "Eureka", `up${selector({ namespace: scope.namespace, service: scope.statefulSet })}`));
    }
    return { name: `eureka-${scope.statefulSet}`, rules };
}
