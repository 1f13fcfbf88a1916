package io.pipeio.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

import io.pipeio.annotation.PipeListenerAnnotationBeanPostProcessor;
import io.pipeio.annotation.PipeListenerLazyInitializationExcludeFilter;
import io.pipeio.aot.PipeIoRuntimeHints;
import io.pipeio.converter.JacksonPipeMessageConverter;
import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.converter.SimplePipeMessageConverter;
import io.pipeio.core.CompositePipeServerListener;
import io.pipeio.core.LoggingPipeErrorHandler;
import io.pipeio.core.LoggingPipeServerListener;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeMessageListenerDecorator;
import io.pipeio.core.PipeOperations;
import io.pipeio.core.PipeRequestObserver;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.core.PipeTemplate;
import io.pipeio.plugin.PluginObserver;
import io.pipeio.event.PipeChannelEventPublisher;
import io.pipeio.event.PipePluginEventPublisher;
import io.pipeio.server.PipeServerListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Auto-configuration of pipe-io: a {@link PipeChannelRegistry} with one channel per entry
 * of {@code pipe-io.channels}, {@code @PipeListener} support and a {@link PipeTemplate}.
 *
 * @author pipe-io
 */
// After validation: post-processors of the same order run in the order they were
// declared, so the @PipeListener post-processor then sees a @Validated bean's proxy, not
// its target.
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "pipe-io.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PipeIoProperties.class)
@ImportRuntimeHints(PipeIoRuntimeHints.class)
public final class PipeIoAutoConfiguration {

	private static final Log logger = LogFactory.getLog(PipeIoAutoConfiguration.class);

	/** Spring Boot's default of {@code spring.lifecycle.timeout-per-shutdown-phase}. */
	private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	PipeIoAutoConfiguration() {
	}

	/**
	 * Lets command-line arguments, environment variables and profile-specific files
	 * override a channel declared in YAML as {@code name: {}} or {@code name: ~}, as they
	 * override any other.
	 */
	@Bean
	static ConfigurationPropertiesBindHandlerAdvisor pipeIoBindHandlerAdvisor() {
		return PipeIoBindHandler.advisor();
	}

	@Bean
	@ConditionalOnMissingBean
	PipeChannelSettingsFactory pipeChannelSettingsFactory(PipeIoProperties properties,
			ObjectProvider<PipeChannelSettingsCustomizer> customizers, Environment environment) {
		String applicationName = environment.getProperty("spring.application.name",
				PipeIoProperties.DEFAULT_APPLICATION_NAME);
		PipeChannelSettingsFactory factory = new PipeChannelSettingsFactory(properties,
				customizers.orderedStream().toList(), applicationName);
		if (properties.getDirectory() == null) {
			logger.info("pipe-io.directory is not set: pipes go to " + factory.getDirectory()
					+ ", private to this user and application");
		}
		return factory;
	}

	/**
	 * With {@code spring.threads.virtual.enabled} (Java 21 and later), listeners on the
	 * event loop engine run on virtual worker threads, as Spring Boot's other listener
	 * containers do. First in order, so a user's customizer may choose otherwise.
	 */
	@Bean
	@ConditionalOnThreading(Threading.VIRTUAL)
	@Order(Ordered.HIGHEST_PRECEDENCE)
	PipeChannelSettingsCustomizer pipeIoVirtualWorkerThreadsCustomizer() {
		ThreadFactory virtualThreads = new VirtualThreadTaskExecutor("pipe-io-worker-").getVirtualThreadFactory();
		return (channel, settings) -> settings.workerThreads(virtualThreads);
	}

	@Bean
	@ConditionalOnMissingBean(PipeMessageConverter.class)
	SimplePipeMessageConverter pipeMessageConverter() {
		return new SimplePipeMessageConverter();
	}

	@Bean
	@ConditionalOnMissingBean(PipeErrorHandler.class)
	LoggingPipeErrorHandler pipeErrorHandler() {
		return new LoggingPipeErrorHandler();
	}

	/**
	 * A handler named in {@code @PipeListener(errorHandler = ...)} is a
	 * {@link PipeErrorHandler} bean too: injecting "the" handler by type would make it
	 * every channel's default (or fail with two of them), so the default is chosen once
	 * the listeners are known.
	 */
	@Bean
	@ConditionalOnMissingBean(PipeChannelRegistry.class)
	static DefaultPipeErrorHandlerResolver pipeDefaultErrorHandlerResolver(
			ConfigurableListableBeanFactory beanFactory) {
		return new DefaultPipeErrorHandlerResolver(beanFactory);
	}

	@Bean
	@ConditionalOnMissingBean
	PipeChannelRegistry pipeChannelRegistry(PipeChannelSettingsFactory settingsFactory, PipeMessageConverter converter,
			DefaultPipeErrorHandlerResolver errorHandlers, ObjectProvider<PipeServerListener> serverListeners,
			ObjectProvider<PipeMessageListenerDecorator> listenerDecorators,
			ObjectProvider<PluginObserver> pluginObservers, Environment environment) {
		List<PipeServerListener> listeners = new ArrayList<>();
		listeners.add(new LoggingPipeServerListener());
		serverListeners.orderedStream().forEach(listeners::add);
		Duration shutdownTimeout = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_SHUTDOWN_TIMEOUT);
		PipeChannelRegistry registry = new PipeChannelRegistry(settingsFactory::createDefault, converter,
				errorHandlers.asErrorHandler(), new CompositePipeServerListener(listeners), shutdownTimeout);
		registry.setListenerDecorators(listenerDecorators.orderedStream().toList());
		registry.setPluginObservers(pluginObservers.orderedStream().toList());
		settingsFactory.createConfigured().forEach(registry::declare);
		if (AotDetector.useGeneratedArtifacts() && !environment.getProperty("pipe-io.enabled", Boolean.class, true)) {
			// Conditions were settled when the application was processed ahead of time:
			// the switch can no longer leave pipe-io out, but it can still keep every
			// pipe and plug-in from being created.
			logger.warn("pipe-io.enabled is false, but this application was processed ahead of time with pipe-io"
					+ " enabled, so its beans exist: no channel is started (no pipe is created, no plug-in runs)."
					+ " Process it again with pipe-io.enabled=false to leave pipe-io out.");
			registry.setAutoStartup(false);
		}
		return registry;
	}

	@Bean
	@ConditionalOnMissingBean
	PipeChannelEventPublisher pipeChannelEventPublisher(ApplicationEventPublisher publisher) {
		return new PipeChannelEventPublisher(publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	PipePluginEventPublisher pipePluginEventPublisher(ApplicationEventPublisher publisher) {
		return new PipePluginEventPublisher(publisher);
	}

	/**
	 * The template, both {@link PipeOperations} and {@link PipeRequestOperations}. A bean
	 * of the application's own of either type replaces it: beside that bean the template
	 * would be a second one of its type, and injecting that type ambiguous.
	 * @param registry the channels
	 * @param properties the {@code pipe-io.template.*} properties among them
	 * @param converter the message converter
	 * @param requestObservers the observers of requests
	 * @param customizers applied last, in order
	 * @return the template
	 */
	@Bean
	@ConditionalOnMissingBean({ PipeOperations.class, PipeRequestOperations.class })
	PipeTemplate pipeTemplate(PipeChannelRegistry registry, PipeIoProperties properties,
			ObjectProvider<PipeMessageConverter> converter, ObjectProvider<PipeRequestObserver> requestObservers,
			ObjectProvider<PipeTemplateCustomizer> customizers) {
		PipeTemplate template = new PipeTemplate(registry);
		template.setDefaultReplyTimeout(properties.getTemplate().getReplyTimeout());
		template.setMessageConverter(converter.getIfAvailable());
		// Every one, in order: the metrics' and the application's own.
		template.setRequestObserver(CompositeRequestObserver.of(requestObservers.orderedStream().toList()));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(template));
		return template;
	}

	/**
	 * The post-processor of this context's beans: one of a parent context does not see
	 * them, so only this context's own counts. A child context's listeners are attached
	 * to the registry the child sees, its parent's unless it has its own.
	 * @return the post-processor
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	static PipeListenerAnnotationBeanPostProcessor pipeListenerAnnotationBeanPostProcessor() {
		return new PipeListenerAnnotationBeanPostProcessor();
	}

	/**
	 * Keeps {@code @PipeListener} beans out of lazy initialization, as Spring Boot keeps
	 * {@code @Scheduled} ones: nothing else would ever create them.
	 * @return the filter
	 */
	@Bean
	static LazyInitializationExcludeFilter pipeListenerLazyInitializationExcludeFilter() {
		return new PipeListenerLazyInitializationExcludeFilter();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JacksonConverterConfiguration {

		@Bean
		@ConditionalOnMissingBean(PipeMessageConverter.class)
		JacksonPipeMessageConverter pipeMessageConverter(ObjectProvider<JsonMapper> jsonMapper) {
			return new JacksonPipeMessageConverter(jsonMapper.getIfAvailable(JsonMapper::new));
		}

	}

}
