package io.pipeio.autoconfigure;

import java.nio.file.Path;

import io.pipeio.annotation.PipeListener;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import io.pipeio.testsupport.RecordingErrorHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which {@link PipeErrorHandler} a listener without {@code errorHandler = ...} gets: an
 * error handler bean that another listener names is that listener's own, never
 * everybody's default.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class DefaultPipeErrorHandlerTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory).withUserConfiguration(Listeners.class);
	}

	@Test
	void aHandlerNamedByOneListenerIsNotTheDefaultOfTheOthers(CapturedOutput output) {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			try (PipeTestClient own = PipeTestClient.connect(this.directory, "own");
					PipeTestClient plain = PipeTestClient.connect(this.directory, "plain")) {
				plain.send("fail");
				plain.send("ok");
				// The "own" handler replies; the default one only logs.
				assertThat(plain.receive()).isEqualTo("ok");
				await().until(() -> output.toString().contains("Channel 'plain' dropped a line"));
				own.send("fail");
				assertThat(own.receive()).isEqualTo("own handled handler-error");
			}
		});
	}

	@Test
	void twoPerListenerHandlersDoNotMakeTheDefaultAmbiguous() {
		runner().withUserConfiguration(SecondOwnListener.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(PipeTestClient.request(this.directory, "own2", "fail")).isEqualTo("own2 handled handler-error");
		});
	}

	@Test
	void anApplicationHandlerBesidesPerListenerOnesIsTheDefault() {
		runner()
			.withBean("applicationHandler", PipeErrorHandler.class,
					() -> new RecordingErrorHandler((exception) -> "default handled"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(PipeTestClient.request(this.directory, "plain", "fail")).isEqualTo("default handled");
				assertThat(PipeTestClient.request(this.directory, "own", "fail"))
					.isEqualTo("own handled handler-error");
			});
	}

	@Test
	void twoApplicationHandlersFailStartupUnlessOneIsPrimary() {
		runner().withBean("first", PipeErrorHandler.class, RecordingErrorHandler::new)
			.withBean("second", PipeErrorHandler.class, RecordingErrorHandler::new)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage())
					.contains("first")
					.contains("second")
					.contains("@Primary");
			});
		runner().withBean("first", PipeErrorHandler.class, () -> new RecordingErrorHandler((exception) -> "first"))
			.withBean("second", PipeErrorHandler.class, () -> new RecordingErrorHandler((exception) -> "second"),
					(definition) -> definition.setPrimary(true))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(PipeTestClient.request(this.directory, "plain", "fail")).isEqualTo("second");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@PipeListener(value = "own", errorHandler = "ownHandler")
		String own(String line) {
			return fail(line);
		}

		@PipeListener("plain")
		String plain(String line) {
			return fail(line);
		}

		@Bean
		static PipeErrorHandler ownHandler() {
			return (exception, context) -> "own handled " + exception.getReason().tag();
		}

		static String fail(String line) {
			if (line.equals("fail")) {
				throw new IllegalStateException("failed on purpose");
			}
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondOwnListener {

		@PipeListener(value = "own2", errorHandler = "own2Handler")
		String own2(String line) {
			return Listeners.fail(line);
		}

		@Bean
		@Primary
		static PipeErrorHandler own2Handler() {
			return (exception, context) -> "own2 handled " + exception.getReason().tag();
		}

	}

}
