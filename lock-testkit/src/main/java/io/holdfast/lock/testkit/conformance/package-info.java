/**
 * The compatibility kits every holdfast backend runs, in the style of Micrometer's
 * {@code MeterRegistryCompatibilityKit}: extend
 * {@link io.holdfast.lock.testkit.conformance.LockManagerConformance} or
 * {@link io.holdfast.lock.testkit.conformance.StatusManagerConformance}, implement the factory
 * method, and override the hooks that describe the backend (whether two managers share locks,
 * how many stress threads to run). Each test is bounded by a timeout so a hang fails instead of
 * stalling the build.
 */
package io.holdfast.lock.testkit.conformance;
