package io.pipeio.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.pipeio.core.PipeChannelRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the sample's {@code @SpringBootTest} classes: each test class runs the sample app with its
 * pipes in a temporary directory of its own, {@link #directory}. After the class's tests the channels
 * are stopped and the directory is removed; {@code @DirtiesContext} then closes the application, so
 * no later test class is handed a context whose directory is gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
abstract class SampleAppTestSupport {

	/** The sample app's channels. */
	@Autowired
	PipeChannelRegistry registry;

	/** Where the sample app's pipes are: {@code pipe-io.directory} of this class's context. */
	@Value("${pipe-io.directory}")
	Path directory;

	/**
	 * Point {@code pipe-io.directory} at a new temporary directory. Spring calls this once for each
	 * context it creates, and with {@code @DirtiesContext} every test class creates its own.
	 * @param properties the properties of the context being created
	 */
	@DynamicPropertySource
	static void pipeDirectory(DynamicPropertyRegistry properties) {
		Path directory = createDirectory();
		properties.add("pipe-io.directory", directory::toString);
	}

	@AfterAll
	void removeDirectory() throws IOException {
		// Stop the channels first, or the watchdog would re-create the pipes in a deleted directory.
		this.registry.stop();
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("pipe-io-sample");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
