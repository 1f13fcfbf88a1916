package io.pipeio.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application serving three channels over FIFOs: {@code echo},
 * {@code upper} and {@code calc}. Run it, then talk to it from any language (see
 * {@code clients/}).
 *
 * @author pipe-io
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
