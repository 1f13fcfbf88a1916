package io.pipeio.server;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the engine tests: each test gets its own {@link TestPipes} in a fresh temporary
 * directory, closed after the test (which stops its servers, closes its clients and
 * checks that no engine thread outlived it). A test fails after 30 s unless its class
 * declares another {@link Timeout}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class PipeServerTestSupport {

	/**
	 * The test's temporary directory, where {@link #pipes} puts the pipes of the test
	 * channel.
	 */
	@TempDir
	Path dir;

	/** The test's fixture, created before and closed after each test. */
	TestPipes pipes;

	@BeforeEach
	void createPipes() {
		this.pipes = new TestPipes(this.dir);
	}

	@AfterEach
	void closePipes() {
		this.pipes.close();
	}

}
