package io.pipeio.test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.NestedTestConfiguration;
import org.springframework.test.context.NestedTestConfiguration.EnclosingConfiguration;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PipeIoTest} with {@code @SpringBootTest}: the context's directory is created,
 * named by {@code pipe-io.directory}, injected, and removed once the context closed,
 * after its lifecycle beans (pipe-io's channels among them) stopped.
 */
@SpringBootTest(classes = PipeIoTestSpringTests.Empty.class)
@PipeIoTest
class PipeIoTestSpringTests {

	@Autowired
	PipeTestDirectory directory;

	@Value("${pipe-io.directory}")
	Path property;

	@Test
	void theContextHasItsOwnPrivateDirectory(PipeTestDirectory parameter) throws Exception {
		assertThat(this.property).isEqualTo(this.directory.path());
		assertThat(parameter).isSameAs(this.directory);
		assertThat(this.property).isDirectory();
		assertThat(
				PosixFilePermissions.toString(Files.getPosixFilePermissions(this.property, LinkOption.NOFOLLOW_LINKS)))
			.isEqualTo("rwx------");
	}

	/** A nested class runs in its enclosing class's context: it gets that directory. */
	@Nested
	class InANestedClass {

		@Test
		void theParameterIsTheContextsDirectory(PipeTestDirectory parameter) {
			assertThat(parameter).isSameAs(PipeIoTestSpringTests.this.directory);
		}

	}

	/**
	 * A nested class with a configuration of its own still gets a directory: its own
	 * context's, not the application's default directory.
	 */
	@Nested
	@NestedTestConfiguration(EnclosingConfiguration.OVERRIDE)
	@SpringBootTest(classes = WithLifecycle.class)
	class InANestedClassWithAConfigurationOfItsOwn {

		@Autowired
		ApplicationContext context;

		@Test
		void theParameterIsItsOwnContextsDirectory(PipeTestDirectory parameter) {
			assertThat(this.context.getBeansOfType(StopProbe.class)).hasSize(1);
			assertThat(parameter).isSameAs(this.context.getBean(PipeTestDirectory.class));
			assertThat(this.context.getEnvironment().getProperty("pipe-io.directory"))
				.isEqualTo(parameter.path().toString());
			assertThat(parameter.path()).isDirectory();
		}

	}

	@Test
	void theDirectoryIsRemovedAfterTheContextStopped() throws Exception {
		TestContextManager manager = new TestContextManager(Closing.class);
		manager.prepareTestInstance(new Closing());
		ApplicationContext context = manager.getTestContext().getApplicationContext();
		Path path = Path.of(context.getEnvironment().getRequiredProperty("pipe-io.directory"));
		assertThat(path).isDirectory().isNotEqualTo(this.directory.path());
		StopProbe probe = context.getBean(StopProbe.class);
		manager.getTestContext().markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
		assertThat(probe.directoryAtStop).isTrue();
		assertThat(path).doesNotExist();
		assertThat(this.directory.path()).isDirectory();
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

	@Configuration(proxyBeanMethods = false)
	static class WithLifecycle {

		@Bean
		StopProbe stopProbe(@Value("${pipe-io.directory}") Path directory) {
			return new StopProbe(directory);
		}

	}

	/** A test class of its own, with a context of its own, run by hand above. */
	@SpringBootTest(classes = WithLifecycle.class)
	@PipeIoTest
	static class Closing {

	}

	/**
	 * Stands for pipe-io's channels: records whether the pipes were still there when it
	 * stopped.
	 */
	static final class StopProbe implements SmartLifecycle {

		private final Path directory;

		private volatile boolean running;

		volatile @Nullable Boolean directoryAtStop;

		StopProbe(Path directory) {
			this.directory = directory;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.directoryAtStop = Files.isDirectory(this.directory);
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

}
