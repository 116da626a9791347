package io.holdfast.examples.spring;

import io.holdfast.examples.inverter.SimulatedInverter;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The inverter poller as a Spring Boot application: {@link InverterJobs} polls a simulated
 * inverter under the {@code inverter_read} lock on a schedule and runs a force-charge cycle as the
 * {@code @ExclusiveTask} {@code charge-running}. Start several instances against one Redis
 * ({@code HOLDFAST_USE_NEW_LOCKS=true HOLDFAST_REDIS_URL=redis://...}) or on one host with file
 * locks (the default); the device, shared through {@code inverter.device-dir}, counts overlapping
 * sessions and stale fencing tokens. With {@code inverter.run-for=10s} an instance stops after
 * that long, prints a {@code REPORT} line and exits non-zero if the device saw an overlap.
 */
@SpringBootApplication
@EnableScheduling
public class InverterApp {

    public static void main(String[] args) {
        SpringApplication.run(InverterApp.class, args);
    }

    @Bean(destroyMethod = "close")
    SimulatedInverter inverter(@Value("${inverter.device-dir:${java.io.tmpdir}/holdfast-inverter-spring}") Path dir) {
        return new SimulatedInverter(dir);
    }
}
