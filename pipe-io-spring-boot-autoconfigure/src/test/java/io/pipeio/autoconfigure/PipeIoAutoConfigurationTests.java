package io.pipeio.autoconfigure;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import io.pipeio.annotation.PipeListenerAnnotationBeanPostProcessor;
import io.pipeio.converter.JacksonPipeMessageConverter;
import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.converter.SimplePipeMessageConverter;
import io.pipeio.core.LoggingPipeErrorHandler;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeOperations;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.core.PipeTemplate;
import io.pipeio.server.OverflowPolicy;
import io.pipeio.server.PipeServerSettings;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions and overrides of {@link PipeIoAutoConfiguration}, in contexts that
 * really start their channels (pipes in a temporary directory).
 */
@Timeout(60)
class PipeIoAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner runner() {
		return PipeIoContextRunners.withDirectory(this.directory);
	}

	@Test
	void createsDefaultBeans() {
		runner().withPropertyValues("pipe-io.channels.echo.max-message-size=2MB").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(PipeChannelRegistry.class)
				.hasSingleBean(PipeTemplate.class)
				.hasSingleBean(PipeChannelSettingsFactory.class)
				.hasSingleBean(PipeListenerAnnotationBeanPostProcessor.class)
				.hasSingleBean(PipeIoProperties.class);
			assertThat(context).getBean(PipeMessageConverter.class).isInstanceOf(JacksonPipeMessageConverter.class);
			assertThat(context).getBean(PipeErrorHandler.class).isInstanceOf(LoggingPipeErrorHandler.class);
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			assertThat(registry.getPhase()).isEqualTo(Integer.MAX_VALUE - 4096);
			assertThat(registry.isRunning()).isTrue();
			assertThat(registry.getChannelNames()).containsExactly("echo");
			PipeChannel echo = registry.getRequiredChannel("echo");
			assertThat(echo.isRunning()).isTrue();
			assertThat(this.directory.resolve("echo.in")).exists();
			assertThat(this.directory.resolve("echo.out")).exists();
			assertThat(echo.getSettings().server().getMaxMessageSize()).isEqualTo(2 * 1024 * 1024);
		});
	}

	@Test
	void appliesChannelDefaults() {
		runner().withPropertyValues("pipe-io.channels.plain.auto-startup=false").run((context) -> {
			PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("plain");
			PipeServerSettings server = channel.getSettings().server();
			assertThat(server.getInPath()).isEqualTo(this.directory.resolve("plain.in"));
			assertThat(server.getOutPath()).isEqualTo(this.directory.resolve("plain.out"));
			assertThat(PosixFilePermissions.toString(server.getPermissions())).isEqualTo("rw-------");
			assertThat(server.isManagePipes()).isTrue();
			assertThat(channel.getCharset()).isEqualTo(StandardCharsets.UTF_8);
			assertThat(server.getMaxMessageSize()).isEqualTo(1024 * 1024);
			assertThat(server.getSendQueueCapacity()).isEqualTo(10_000);
			assertThat(server.getSendQueueMaxBytes()).isEqualTo(64L * 1024 * 1024);
			assertThat(server.getOverflow()).isEqualTo(OverflowPolicy.BLOCK);
			assertThat(server.getSendTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(channel.getSettings().autoStartup()).isFalse();
			assertThat(channel.isRunning()).isFalse();
			assertThat(this.directory.resolve("plain.in")).doesNotExist();
		});
	}

	@Test
	void bindsEveryChannelProperty() {
		runner()
			.withPropertyValues("pipe-io.channels.custom.in-pipe=requests",
					"pipe-io.channels.custom.out-pipe=sub/replies", "pipe-io.channels.custom.permissions=rw-rw----",
					"pipe-io.channels.custom.manage-pipes=false", "pipe-io.channels.custom.charset=ISO-8859-1",
					"pipe-io.channels.custom.max-message-size=64KB", "pipe-io.channels.custom.send-queue-capacity=7",
					"pipe-io.channels.custom.send-timeout=250ms", "pipe-io.channels.custom.auto-startup=false",
					"pipe-io.channels.custom.send-queue-max-bytes=2MB", "pipe-io.channels.custom.overflow=drop-oldest")
			.run((context) -> {
				PipeChannel channel = context.getBean(PipeChannelRegistry.class).getRequiredChannel("custom");
				PipeServerSettings server = channel.getSettings().server();
				assertThat(server.getInPath()).isEqualTo(this.directory.resolve("requests"));
				assertThat(server.getOutPath()).isEqualTo(this.directory.resolve("sub/replies"));
				assertThat(PosixFilePermissions.toString(server.getPermissions())).isEqualTo("rw-rw----");
				assertThat(server.isManagePipes()).isFalse();
				assertThat(channel.getCharset()).isEqualTo(StandardCharsets.ISO_8859_1);
				assertThat(server.getMaxMessageSize()).isEqualTo(64 * 1024);
				assertThat(server.getSendQueueCapacity()).isEqualTo(7);
				assertThat(server.getSendTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(server.getSendQueueMaxBytes()).isEqualTo(2L * 1024 * 1024);
				assertThat(server.getOverflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
			});
	}

	@Test
	void allowsAbsolutePipePaths(@TempDir Path elsewhere) {
		Path in = elsewhere.resolve("abs.in");
		Path out = elsewhere.resolve("abs.out");
		runner().withPropertyValues("pipe-io.channels.abs.in-pipe=" + in, "pipe-io.channels.abs.out-pipe=" + out)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PipeServerSettings server = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("abs")
					.getSettings()
					.server();
				assertThat(server.getInPath()).isEqualTo(in);
				assertThat(server.getOutPath()).isEqualTo(out);
				assertThat(in).exists();
				assertThat(out).exists();
				assertThat(this.directory.resolve("abs.in")).doesNotExist();
			});
	}

	@Test
	void createsPipesWithConfiguredPermissions() {
		runner().withPropertyValues("pipe-io.channels.shared.permissions=rw-rw----").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(
					PosixFilePermissions.toString(Files.getPosixFilePermissions(this.directory.resolve("shared.in"))))
				.isEqualTo("rw-rw----");
			assertThat(
					PosixFilePermissions.toString(Files.getPosixFilePermissions(this.directory.resolve("shared.out"))))
				.isEqualTo("rw-rw----");
		});
	}

	@Test
	void aRelativeDirectoryIsResolvedAgainstTheWorkingDirectoryNotTheContextsResources() {
		// A Path property would make "." the class path root here (a web application's
		// document root there); the target directory exists on either side.
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withPropertyValues("pipe-io.channels.tmp.auto-startup=false", "pipe-io.directory=.")
			.run((context) -> assertThat(context.getBean(PipeChannelSettingsFactory.class).getDirectory())
				.isEqualTo(Path.of("").toAbsolutePath()));
	}

	@Test
	void anEmptyDirectoryFailsStartupRatherThanMeaningTheWorkingDirectory() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withPropertyValues("pipe-io.channels.tmp.auto-startup=false", "pipe-io.directory=")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining(
						"pipe-io.directory is empty; remove it to use the default, or set a directory");
			});
	}

	@Test
	void directoryDefaultsToOneOfThisUserAndApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PipeIoAutoConfiguration.class))
			.withPropertyValues("pipe-io.channels.tmp.auto-startup=false", "spring.application.name=billing")
			.run((context) -> {
				String runtime = System.getenv("XDG_RUNTIME_DIR");
				Path expected = ((runtime != null && !runtime.isBlank()) ? Path.of(runtime, "pipe-io")
						: Path.of(System.getProperty("java.io.tmpdir"),
								"pipe-io-" + Files.getAttribute(Path.of("/proc/self"), "unix:uid")))
					.resolve("billing")
					.toAbsolutePath()
					.normalize();
				assertThat(context.getBean(PipeIoProperties.class).getDirectory()).isNull();
				assertThat(context.getBean(PipeChannelSettingsFactory.class).getDirectory()).isEqualTo(expected);
				PipeServerSettings server = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("tmp")
					.getSettings()
					.server();
				assertThat(server.getInPath()).isEqualTo(expected.resolve("tmp.in"));
				assertThat(server.getOutPath()).isEqualTo(expected.resolve("tmp.out"));
				assertThat(PosixFilePermissions.toString(server.getDirectoryPermissions())).isEqualTo("rwx------");
			});
	}

	@Test
	void defaultDirectoryDiffersBetweenApplications() {
		PipeIoProperties properties = new PipeIoProperties();
		assertThat(properties.determineDirectory("one")).isNotEqualTo(properties.determineDirectory("two"));
		assertThat(properties.determineDirectory("one").getParent().getFileName().toString()).startsWith("pipe-io");
	}

	@Test
	void disabledCreatesNothing() {
		runner().withPropertyValues("pipe-io.enabled=false", "pipe-io.channels.echo.max-message-size=1KB")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(PipeChannelRegistry.class)
					.doesNotHaveBean(PipeOperations.class)
					.doesNotHaveBean(PipeMessageConverter.class)
					.doesNotHaveBean(PipeErrorHandler.class)
					.doesNotHaveBean(PipeChannelSettingsFactory.class)
					.doesNotHaveBean(PipeListenerAnnotationBeanPostProcessor.class)
					.doesNotHaveBean(PipeIoProperties.class);
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	@Test
	void userTemplateReplacesTheDefault() {
		runner().withUserConfiguration(UserTemplateConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PipeOperations.class);
			assertThat(context).getBean(PipeOperations.class).isSameAs(context.getBean("myTemplate"));
		});
	}

	@Test
	void userRequestOperationsReplaceTheTemplateRatherThanStandBesideIt() {
		runner().withUserConfiguration(UserRequestOperationsConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(PipeRequestOperations.class).isSameAs(context.getBean("myRequests"));
			assertThat(context).doesNotHaveBean(PipeTemplate.class).doesNotHaveBean(PipeOperations.class);
		});
	}

	@Test
	void userOperationsReplaceTheTemplate() {
		runner().withUserConfiguration(UserOperationsConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(PipeOperations.class).isSameAs(context.getBean("myOperations"));
			assertThat(context).doesNotHaveBean(PipeTemplate.class).doesNotHaveBean(PipeRequestOperations.class);
		});
	}

	@Test
	void userRegistryReplacesTheDefault() {
		runner().withUserConfiguration(UserRegistryConfiguration.class)
			.withPropertyValues("pipe-io.channels.ignored.auto-startup=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(PipeChannelRegistry.class);
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				assertThat(registry).isSameAs(context.getBean("myRegistry"));
				assertThat(registry.getChannelNames()).isEmpty();
				assertThat(context.getBean(PipeTemplate.class)).isNotNull();
			});
	}

	@Test
	void userConverterReplacesTheDefault() {
		runner().withUserConfiguration(UserConverterConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PipeMessageConverter.class);
			assertThat(context).getBean(PipeMessageConverter.class).isSameAs(context.getBean("myConverter"));
		});
	}

	@Test
	void userErrorHandlerReplacesTheDefault() {
		runner().withUserConfiguration(UserErrorHandlerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PipeErrorHandler.class);
			assertThat(context).getBean(PipeErrorHandler.class).isSameAs(context.getBean("myErrorHandler"));
		});
	}

	@Test
	void jacksonConverterUsesTheApplicationsJsonMapper() {
		runner().withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
			.withPropertyValues("spring.jackson.serialization.indent-output=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(JsonMapper.class);
				PipeMessageConverter converter = context.getBean(PipeMessageConverter.class);
				assertThat(converter).isInstanceOf(JacksonPipeMessageConverter.class);
				// The application mapper indents, a line never does.
				assertThat(new String(converter.toLine(java.util.Map.of("a", 1)), StandardCharsets.UTF_8))
					.isEqualTo("{\"a\":1}");
			});
	}

	@Test
	void withoutJacksonUsesTheSimpleConverter() {
		runner().withClassLoader(new FilteredClassLoader(JsonMapper.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(PipeMessageConverter.class).isInstanceOf(SimplePipeMessageConverter.class);
		});
	}

	@Test
	void appliesCustomizersToConfiguredAndDefaultChannels() {
		runner().withUserConfiguration(CustomizerConfiguration.class)
			.withPropertyValues("pipe-io.channels.configured.auto-startup=false")
			.run((context) -> {
				PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
				assertThat(registry.getRequiredChannel("configured").getSettings().server().getBufferSize())
					.isEqualTo(4096);
				PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
				assertThat(factory.createDefault("other").server().getBufferSize()).isEqualTo(4096);
				assertThat(factory.createDefault("other").server().getSendQueueCapacity()).isEqualTo(42);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplateConfiguration {

		@Bean
		PipeTemplate myTemplate(PipeChannelRegistry registry) {
			return new PipeTemplate(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserOperationsConfiguration {

		@Bean
		PipeOperations myOperations() {
			return stub(PipeOperations.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRequestOperationsConfiguration {

		@Bean
		PipeRequestOperations myRequests() {
			return stub(PipeRequestOperations.class);
		}

	}

	/** An implementation of the interface that does nothing, like a test double. */
	static <T> T stub(Class<T> type) {
		return type
			.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, arguments) -> {
				throw new UnsupportedOperationException(method.getName());
			}));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRegistryConfiguration {

		@Bean
		PipeChannelRegistry myRegistry(PipeChannelSettingsFactory factory, PipeMessageConverter converter,
				PipeErrorHandler errorHandler) {
			return new PipeChannelRegistry(factory::createDefault, converter, errorHandler,
					new io.pipeio.server.PipeServerListener() {
					}, Duration.ofSeconds(1));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConverterConfiguration {

		@Bean
		PipeMessageConverter myConverter() {
			return new SimplePipeMessageConverter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserErrorHandlerConfiguration {

		@Bean
		PipeErrorHandler myErrorHandler() {
			return (exception, context) -> null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		PipeChannelSettingsCustomizer smallBuffers() {
			return (channel, settings) -> settings.bufferSize(4096).sendQueueCapacity(42);
		}

	}

}
