package io.pipeio.sample;

import java.nio.file.Path;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.test.PipeIoTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Base of the sample's {@code @SpringBootTest} classes: each test class runs the sample
 * app with its pipes in a private directory of its own, {@link #directory}, given by
 * {@link PipeIoTest}. {@code @DirtiesContext} closes the application after the class's
 * tests; the directory is removed once its channels have stopped.
 */
@PipeIoTest
@DirtiesContext
abstract class SampleAppTestSupport {

	/** The sample app's channels. */
	@Autowired
	PipeChannelRegistry registry;

	/**
	 * Where the sample app's pipes are: {@code pipe-io.directory} of this class's
	 * context.
	 */
	@Value("${pipe-io.directory}")
	Path directory;

}
