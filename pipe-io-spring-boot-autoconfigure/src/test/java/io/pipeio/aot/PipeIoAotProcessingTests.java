package io.pipeio.aot;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import io.pipeio.annotation.PipeListener;
import io.pipeio.autoconfigure.PipeIoAutoConfiguration;
import io.pipeio.core.PipeChannelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.proxies;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;

/**
 * Ahead-of-time processing of an application with pipe-io, as
 * {@code spring-boot:process-aot} does it at build time: the hints of its listeners and
 * of the engine's native calls are contributed, and nothing is started or created, for
 * the build runs where the application will not.
 */
class PipeIoAotProcessingTests {

	@TempDir
	Path directory;

	@Test
	void contributesTheHintsOfListenersAndNativeCalls() throws ClassNotFoundException {
		RuntimeHints hints = processAheadOfTime().getRuntimeHints();
		assertThat(reflection().onMethodInvocation(Listeners.class, "price")).accepts(hints);
		assertThat(reflection().onType(Quote.class)).accepts(hints);
		assertThat(reflection().onType(Price.class)).accepts(hints);
		assertThat(proxies().forInterfaces(Class.forName("io.pipeio.server.Posix$LibC"))).accepts(hints);
	}

	@Test
	void generatesTheBeanDefinitionsOfTheAutoConfiguration() {
		InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
		processAheadOfTime(files);
		assertThat(files.getGeneratedFiles(Kind.SOURCE)).hasKeySatisfying(new org.assertj.core.api.Condition<>(
				(path) -> path.startsWith("io/pipeio/autoconfigure/PipeIoAutoConfiguration__BeanDefinitions"),
				"the bean definitions of PipeIoAutoConfiguration"));
	}

	@Test
	void createsNoPipesAndNoChannelsWhileProcessing() {
		Path pipes = this.directory.resolve("pipes");
		try (AnnotationConfigApplicationContext context = context(pipes)) {
			new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext());
			assertThat(context.getBeanFactory().containsSingleton("pipeChannelRegistry")).isFalse();
			assertThat(context.getBeanNamesForType(PipeChannelRegistry.class)).containsExactly("pipeChannelRegistry");
		}
		assertThat(pipes).doesNotExist();
	}

	private DefaultGenerationContext processAheadOfTime() {
		return processAheadOfTime(new InMemoryGeneratedFiles());
	}

	private DefaultGenerationContext processAheadOfTime(InMemoryGeneratedFiles files) {
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(getClass())), files);
		try (AnnotationConfigApplicationContext context = context(this.directory)) {
			new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
		}
		generationContext.writeGeneratedContent();
		return generationContext;
	}

	private static DefaultGenerationContext generationContext() {
		return new DefaultGenerationContext(new ClassNameGenerator(ClassName.get(PipeIoAotProcessingTests.class)),
				new InMemoryGeneratedFiles());
	}

	private static AnnotationConfigApplicationContext context(Path directory) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		TestPropertyValues
			.of("pipe-io.directory=" + directory, "pipe-io.channels.prices.max-message-size=1MB",
					"pipe-io.channels.prices.plugin.command=sh,-c,exit 0")
			.applyTo(context);
		context.register(ListenerConfiguration.class, Listeners.class);
		return context;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(PipeIoAutoConfiguration.class)
	static class ListenerConfiguration {

	}

	record Quote(String symbol) {
	}

	record Price(String symbol, long cents) {
	}

	static class Listeners {

		@PipeListener("prices")
		CompletableFuture<Price> price(Quote quote) {
			return CompletableFuture.completedFuture(new Price(quote.symbol(), 100));
		}

	}

}
