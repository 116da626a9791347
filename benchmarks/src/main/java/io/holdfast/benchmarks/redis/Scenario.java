package io.holdfast.benchmarks.redis;

/**
 * The contention shapes: S1-S4 of issue 6 (acquire, release, in a loop), S5 and S6 of issue 16:
 * JVMs × threads per JVM competing for a number of resources.
 */
enum Scenario {
    S1("1 thread, 1 resource", Shape.CYCLE, 1, 1, 1),
    S2("8 threads of one JVM, 1 resource", Shape.CYCLE, 1, 8, 1),
    S3("4 JVMs x 1 thread, 1 resource", Shape.CYCLE, 4, 1, 1),
    S4("8 threads, 1,000 resources", Shape.CYCLE, 1, 8, 1000),
    S5("scheduled-job misses: 8 JVMs, one holds the lock throughout, 7 x 1 thread tryAcquire it", Shape.MISS, 8, 1, 1),
    S6("read-mostly: 4 JVMs x 4 threads, 95 % shared / 5 % exclusive, 4 resources", Shape.READ_MOSTLY, 4, 4, 4);

    /** What the threads of a scenario do. */
    enum Shape {
        /** acquire (waiting), touch the cells, release. */
        CYCLE,
        /** JVM 0 holds resource 0 for the whole case; every other JVM's thread calls tryAcquire in a loop. */
        MISS,
        /** like CYCLE on a read-write lock: shared with probability {@link #SHARED_PERCENT}, else exclusive. */
        READ_MOSTLY
    }

    /** S6: the share of shared acquisitions, in percent. */
    static final int SHARED_PERCENT = 95;

    final String title;
    final Shape shape;
    final int jvms;
    final int threads;
    final int resources;

    Scenario(String title, Shape shape, int jvms, int threads, int resources) {
        this.title = title;
        this.shape = shape;
        this.jvms = jvms;
        this.threads = threads;
        this.resources = resources;
    }

    /** True when one resource is shared, so a grant to another thread than the last holder is a handoff. */
    boolean measuresHandoff() {
        return shape == Shape.CYCLE && resources == 1 && jvms * threads > 1;
    }
}
