package io.pipeio.annotation;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.test.PipeTestClient;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.context.annotation.ScopedProxyMode;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@code @PipeListener} methods are found and attached: channel names with
 * placeholders, channels declared for listeners, and the signatures and duplicates that
 * fail startup.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class PipeListenerRegistrationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory);
	}

	private static String rootMessage(Throwable failure) {
		return NestedExceptionUtils.getMostSpecificCause(failure).getMessage();
	}

	@Test
	void channelNameMayBeAPlaceholder() {
		runner().withUserConfiguration(PlaceholderListener.class)
			.withPropertyValues("plugin.channel=plugin-7")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(PipeChannelRegistry.class).getChannelNames()).containsExactly("plugin-7");
				assertThat(PipeTestClient.request(this.directory, "plugin-7", "x")).isEqualTo("plugin-7:x");
			});
	}

	@Test
	void placeholderDefaultIsUsed() {
		runner().withUserConfiguration(PlaceholderListener.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PipeChannelRegistry.class).getChannelNames()).containsExactly("fallback");
		});
	}

	@Test
	void unconfiguredChannelIsDeclaredWithDefaults(CapturedOutput output) {
		runner().withUserConfiguration(PlaceholderListener.class)
			.withPropertyValues("plugin.channel=adhoc", "pipe-io.channels.other.auto-startup=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("adhoc");
				assertThat(channel.getSettings().server().getInPath()).isEqualTo(this.directory.resolve("adhoc.in"));
				assertThat(channel.getSettings().server().getOutPath()).isEqualTo(this.directory.resolve("adhoc.out"));
				assertThat(channel.getSettings().server().getMaxMessageSize()).isEqualTo(1024 * 1024);
				assertThat(channel.isRunning()).isTrue();
				assertThat(channel.getListenerDescription()).contains(PlaceholderListener.class.getName() + ".listen");
				assertThat(output).containsPattern("INFO .*Channel 'adhoc' is not configured under pipe-io.channels");
				assertThat(PipeTestClient.request(this.directory, "adhoc", "y")).isEqualTo("adhoc:y");
			});
	}

	@Test
	void configuredChannelIsNotRedeclared(CapturedOutput output) {
		runner().withUserConfiguration(PlaceholderListener.class)
			.withPropertyValues("plugin.channel=configured", "pipe-io.channels.configured.in-pipe=requests")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (PipeTestClient client = PipeTestClient.connect(this.directory.resolve("requests"),
						this.directory.resolve("configured.out"))) {
					client.send("z");
					assertThat(client.receive()).isEqualTo("configured:z");
				}
				assertThat(output).doesNotContain("Channel 'configured' is not configured");
			});
	}

	@Test
	void twoListenersOnOneChannelFailStartupNamingBoth() {
		runner().withUserConfiguration(DuplicateListeners.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context.getStartupFailure())).contains("'dup'")
				.contains(DuplicateListeners.class.getName() + ".first")
				.contains(DuplicateListeners.class.getName() + ".second");
			assertThat(this.directory.resolve("dup.in")).doesNotExist();
		});
	}

	@Test
	void aListenerOnAScopedProxyIsRegisteredOnceAndCallsTheCurrentTarget() {
		runner().withUserConfiguration(ScopedListenerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(PipeTestClient.request(this.directory, "scoped", "one")).isEqualTo("re:one");
			assertThat(PipeTestClient.request(this.directory, "scoped", "two")).isEqualTo("re:two");
		});
	}

	@Test
	void aListenerOnAPrototypeBeanWithoutAScopedProxyFailsStartupNamingTheFix() {
		runner().withUserConfiguration(PrototypeListenerConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context.getStartupFailure())).contains("'prototypeListener'")
				.contains("scope 'prototype'")
				.contains("scoped proxy");
			assertThat(this.directory.resolve("scoped.in")).doesNotExist();
		});
	}

	@Test
	void aPrototypeListenerCreatedBeforeTheSingletonsAreDoneFailsStartup() {
		runner().withUserConfiguration(PrototypeListenerConfiguration.class, PrototypeListenerUser.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(rootMessage(context.getStartupFailure())).contains("'prototypeListener'")
					.contains("scope 'prototype'");
			});
	}

	@Test
	void aListenerInAChildContextIsRegisteredWithTheParentsChannels() {
		runner().withPropertyValues("pipe-io.channels.scoped.charset=UTF-8").run((parent) -> {
			assertThat(parent).hasNotFailed();
			PipeIoContextRunners.withDirectory(this.directory)
				.withParent(parent)
				.withUserConfiguration(ScopedListener.class)
				.run((child) -> {
					assertThat(child).hasNotFailed();
					assertThat(child.getBean(PipeChannelRegistry.class))
						.isSameAs(parent.getBean(PipeChannelRegistry.class));
					assertThat(PipeTestClient.request(this.directory, "scoped", "child")).isEqualTo("re:child");
				});
			// Closed with the child, whose beans it called; the channel keeps its lines
			// for the next one.
			PipeChannel channel = parent.getBean(PipeChannelRegistry.class).getRequiredChannel("scoped");
			assertThat(channel.getListenerDescription()).isNull();
			assertThat(channel.isRunning()).isTrue();
		});
	}

	@Test
	void aListenerNamingAChannelWhosePipesWouldLeaveTheDirectoryFailsStartup() {
		runner().withUserConfiguration(EscapingListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context.getStartupFailure())).contains("'../escape'")
				.contains("not a valid channel name");
			assertThat(this.directory.resolveSibling("escape.in")).doesNotExist();
		});
	}

	@Test
	void twoPayloadParametersFailStartupNamingTheMethod() {
		runner().withUserConfiguration(TwoPayloads.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context.getStartupFailure())).contains(TwoPayloads.class.getName() + ".listen")
				.contains("more than one payload");
		});
	}

	@Test
	void noPayloadParameterFailsStartupNamingTheMethod() {
		runner().withUserConfiguration(OnlyContext.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context.getStartupFailure())).contains(OnlyContext.class.getName() + ".listen")
				.contains("no payload parameter");
		});
	}

	@Test
	void noParameterAtAllFailsStartupNamingTheMethod() {
		runner().withUserConfiguration(NoParameter.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context.getStartupFailure())).contains(NoParameter.class.getName() + ".listen")
				.contains("no payload parameter");
		});
	}

	@Test
	void blankChannelNameFailsStartupNamingTheMethod() {
		runner().withUserConfiguration(BlankChannel.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context.getStartupFailure())).contains(BlankChannel.class.getName() + ".listen")
				.contains("names no channel");
		});
	}

	@Test
	void unknownErrorHandlerBeanFailsStartup() {
		runner().withUserConfiguration(UnknownErrorHandler.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootMessage(context.getStartupFailure())).contains("noSuchHandler");
		});
	}

	@Test
	void jsonListenerWithoutJacksonFailsStartupWithAClearMessage() {
		runner().withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.withUserConfiguration(JsonListener.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(rootMessage(context.getStartupFailure())).contains(JsonListener.class.getName() + ".listen")
					.contains("Jackson 3")
					.contains("PipeMessageConverter");
			});
	}

	@Test
	void listenerReturningAnObjectWithoutJacksonFailsStartupWithAClearMessage() {
		runner().withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.withUserConfiguration(ObjectReplies.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(rootMessage(context.getStartupFailure())).contains(ObjectReplies.class.getName() + ".listen")
					.contains("returns a " + ObjectReplies.Result.class.getName())
					.contains("Jackson 3");
			});
	}

	@Test
	void textListenersWorkWithoutJackson() {
		runner().withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.withUserConfiguration(PlaceholderListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(PipeTestClient.request(this.directory, "fallback", "plain")).isEqualTo("fallback:plain");
			});
	}

	@Test
	void listenerChannelWithTheSamePathAsAConfiguredOneFailsStartup() {
		runner().withUserConfiguration(PlaceholderListener.class)
			.withPropertyValues("plugin.channel=taken", "pipe-io.channels.owner.in-pipe=taken.in")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(rootMessage(context.getStartupFailure()))
					.contains(this.directory.resolve("taken.in").toString())
					.contains("owner")
					.contains("taken");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class PlaceholderListener {

		@PipeListener("${plugin.channel:fallback}")
		String listen(String line, PipeChannelContext context) {
			return context.getName() + ":" + line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateListeners {

		@PipeListener("dup")
		String first(String line) {
			return line;
		}

		@PipeListener(channel = "dup")
		String second(byte[] line) {
			return "";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ScopedListenerConfiguration {

		@Bean
		@Scope(scopeName = ConfigurableBeanFactory.SCOPE_PROTOTYPE, proxyMode = ScopedProxyMode.TARGET_CLASS)
		ScopedListener scopedListener() {
			return new ScopedListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeListenerConfiguration {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		ScopedListener prototypeListener() {
			return new ScopedListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeListenerUser {

		PrototypeListenerUser(ScopedListener listener) {
		}

	}

	static class ScopedListener {

		@PipeListener("scoped")
		String listen(String line) {
			return "re:" + line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObjectReplies {

		@PipeListener("objects")
		CompletableFuture<Result> listen(String line) {
			return CompletableFuture.completedFuture(new Result(line));
		}

		record Result(String value) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EscapingListener {

		@PipeListener("../escape")
		void listen(String line) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPayloads {

		@PipeListener("two")
		String listen(String line, byte[] raw) {
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OnlyContext {

		@PipeListener("ctx")
		String listen(PipeChannelContext context) {
			return "";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoParameter {

		@PipeListener("none")
		String listen() {
			return "";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BlankChannel {

		@PipeListener
		String listen(String line) {
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownErrorHandler {

		@PipeListener(value = "u", errorHandler = "noSuchHandler")
		String listen(String line) {
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JsonListener {

		@PipeListener("json")
		String listen(Request request) {
			return request.name();
		}

	}

	/**
	 * A JSON request.
	 *
	 * @param name a name
	 */
	public record Request(String name) {
	}

}
