package io.holdfast.benchmarks.redis;

/** The four contention shapes of issue 6: JVMs × threads per JVM competing for a number of resources. */
enum Scenario {
    S1("1 thread, 1 resource", 1, 1, 1),
    S2("8 threads of one JVM, 1 resource", 1, 8, 1),
    S3("4 JVMs x 1 thread, 1 resource", 4, 1, 1),
    S4("8 threads, 1,000 resources", 1, 8, 1000);

    final String title;
    final int jvms;
    final int threads;
    final int resources;

    Scenario(String title, int jvms, int threads, int resources) {
        this.title = title;
        this.jvms = jvms;
        this.threads = threads;
        this.resources = resources;
    }

    /** True when one resource is shared, so a grant to another thread than the last holder is a handoff. */
    boolean measuresHandoff() {
        return resources == 1 && jvms * threads > 1;
    }
}
