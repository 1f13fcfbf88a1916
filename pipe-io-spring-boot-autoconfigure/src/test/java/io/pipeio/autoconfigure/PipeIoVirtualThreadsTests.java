package io.pipeio.autoconfigure;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

import io.pipeio.annotation.PipeListener;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring.threads.virtual.enabled}: on Java 21 and later, listeners on the event
 * loop engine run on virtual worker threads; before, and without it, on platform ones; a
 * user's {@link PipeChannelSettingsCustomizer} may choose otherwise. The CI build runs
 * this class on Java 17 and 25, so each JRE-bound test runs on one of them.
 */
@Timeout(60)
class PipeIoVirtualThreadsTests {

	private static final String VIRTUAL = "spring.threads.virtual.enabled=true";

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory)
			.withUserConfiguration(Listener.class)
			.withPropertyValues("pipe-io.engine=event-loop", "pipe-io.channels.echo.dispatch=worker");
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void listenersRunOnVirtualWorkerThreadsWhenVirtualThreadsAreEnabled() {
		runner().withPropertyValues(VIRTUAL).run((context) -> {
			Set<Thread> threads = roundTrips(context);
			assertThat(threads).isNotEmpty().allSatisfy((thread) -> {
				assertThat(isVirtual(thread)).as("virtual: %s", thread).isTrue();
				assertThat(thread.getName()).matches("pipe-io-worker-\\d+");
			});
		});
	}

	@Test
	void listenersRunOnPlatformWorkerThreadsByDefault() {
		runner().run((context) -> assertThat(roundTrips(context)).isNotEmpty().allSatisfy((thread) -> {
			assertThat(isVirtual(thread)).as("virtual: %s", thread).isFalse();
			assertThat(thread.getName()).matches("pipe-io-worker-\\d+");
		}));
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void beforeJava21TheSettingLeavesPlatformWorkerThreads() {
		runner().withPropertyValues(VIRTUAL).run((context) -> {
			assertThat(context).doesNotHaveBean("pipeIoVirtualWorkerThreadsCustomizer");
			assertThat(roundTrips(context)).isNotEmpty()
				.allSatisfy((thread) -> assertThat(thread.getName()).matches("pipe-io-worker-\\d+"));
		});
	}

	@Test
	void aUsersCustomizerChoosesOtherThreads() {
		runner().withPropertyValues(VIRTUAL).withUserConfiguration(OwnThreads.class).run((context) -> {
			Set<Thread> made = context.getBean(OwnThreads.class).made;
			assertThat(roundTrips(context)).isNotEmpty().allSatisfy((thread) -> assertThat(made).contains(thread));
		});
	}

	/**
	 * @return the threads that ran the listener in 50 round trips
	 */
	private Set<Thread> roundTrips(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		try (PipeTestClient client = PipeTestClient.connect(this.directory, "echo")) {
			for (int i = 0; i < 50; i++) {
				assertThat(client.request("line " + i)).isEqualTo("line " + i);
			}
		}
		return context.getBean(Listener.class).threads;
	}

	/** {@code Thread.isVirtual()}, which Java 17 does not have: false there. */
	private static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		final Set<Thread> threads = ConcurrentHashMap.newKeySet();

		@PipeListener("echo")
		String echo(String line) {
			this.threads.add(Thread.currentThread());
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnThreads {

		final Set<Thread> made = ConcurrentHashMap.newKeySet();

		@Bean
		PipeChannelSettingsCustomizer ownWorkerThreads() {
			ThreadFactory factory = (task) -> {
				Thread thread = new Thread(task);
				this.made.add(thread);
				return thread;
			};
			return (channel, settings) -> settings.workerThreads(factory);
		}

	}

}
