/**
 * Argument shapes shared by every component, one concept per file. They are interfaces of plain values
 * so that Pulumi can infer a schema for other languages (no unions, intersections or functions).
 */
export * from "./autoscaling";
export * from "./base";
export * from "./monitoring";
export * from "./network";
export * from "./operator";
export * from "./resources";
export * from "./scheduling";
export * from "./statefulset";
export * from "./storage";
