/** Child JVMs for cross-process tests: {@link io.holdfast.lock.testkit.jvm.TestJvm}. */
package io.holdfast.lock.testkit.jvm;
