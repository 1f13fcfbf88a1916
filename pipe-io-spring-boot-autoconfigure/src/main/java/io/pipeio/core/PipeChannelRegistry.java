package io.pipeio.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.deadletter.DeadLetterFiles;
import io.pipeio.plugin.PluginObserver;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.SharedDirectoryChecks;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Holds every channel of the application and is the single {@link SmartLifecycle} that
 * starts and stops them. Channels come from configuration ({@link #declare}), from
 * listeners ({@link #registerListener}, which declares an unconfigured channel with
 * defaults) and at runtime ({@link #register}).
 *
 * @author pipe-io
 */
public class PipeChannelRegistry implements SmartLifecycle, DisposableBean {

	/**
	 * Starts before and stops after Spring Boot's web server (phase
	 * {@code Integer.MAX_VALUE - 2048}) and its graceful shutdown
	 * ({@code Integer.MAX_VALUE - 1024}), so that a web request that sends to a channel
	 * or waits for a plug-in's answer is served until the last one has finished. Message
	 * listener containers (Spring for Apache Kafka's, {@code Integer.MAX_VALUE - 100})
	 * stop before the channels they feed; lifecycle beans in lower phases, which
	 * listeners may call, stop after the channels.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 4096;

	private static final Log logger = LogFactory.getLog(PipeChannelRegistry.class);

	/** The channels by name; the registrar adds and removes them. */
	final ChannelTable channels = new ChannelTable();

	/** Adds and removes channels and their listeners, also while the channels run. */
	private final ChannelRegistrar registrar;

	private volatile boolean autoStartup = true;

	final Duration shutdownTimeout;

	/** Shared by channels that name the same file. */
	final DeadLetterFiles deadLetterFiles = new DeadLetterFiles();

	/** Orders starting one channel with removing it, and with the registry's stop. */
	final Object startMonitor = new Object();

	volatile boolean running;

	final KeepAlive keepAlive = new KeepAlive();

	/**
	 * Create a registry.
	 * @param defaults settings for a channel that a listener names but configuration does
	 * not
	 * @param converter converts non-text payloads
	 * @param errorHandler the default error handler
	 * @param serverListener observes every channel's engine (metrics, health, events)
	 * @param shutdownTimeout the longest {@link #stop(Runnable)} may take for all
	 * channels
	 */
	public PipeChannelRegistry(Function<String, PipeChannelSettings> defaults, PipeMessageConverter converter,
			PipeErrorHandler errorHandler, PipeServerListener serverListener, Duration shutdownTimeout) {
		Assert.notNull(defaults, "'defaults' must not be null");
		Assert.notNull(converter, "'converter' must not be null");
		Assert.notNull(errorHandler, "'errorHandler' must not be null");
		Assert.notNull(serverListener, "'serverListener' must not be null");
		Assert.notNull(shutdownTimeout, "'shutdownTimeout' must not be null");
		this.registrar = new ChannelRegistrar(this, defaults, converter, errorHandler, serverListener);
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Set the decorators applied to every listener attached from now on (timing,
	 * tracing).
	 * @param decorators the decorators, the first one outermost
	 */
	public void setListenerDecorators(List<PipeMessageListenerDecorator> decorators) {
		Assert.notNull(decorators, "'decorators' must not be null");
		this.registrar.setListenerDecorators(decorators);
	}

	/**
	 * Set who is told of the plug-in processes of channels declared from now on (events,
	 * metrics).
	 * @param observers the observers
	 */
	public void setPluginObservers(List<PluginObserver> observers) {
		Assert.notNull(observers, "'observers' must not be null");
		this.registrar.setPluginObservers(observers);
	}

	/**
	 * Declare a channel without a listener (yet).
	 * @param name the channel name
	 * @param settings its settings
	 * @return the channel
	 * @throws IllegalStateException if the name is taken or a pipe path is another
	 * channel's
	 */
	public PipeChannel declare(String name, PipeChannelSettings settings) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(settings, "'settings' must not be null");
		return this.registrar.declare(name, settings);
	}

	/**
	 * Attach a listener to its channel, declaring the channel with defaults if it is not
	 * configured. A channel that held its lines for the next listener resumes, unless the
	 * endpoint {@linkplain PipeListenerEndpoint#isPausedOnAttach() is to find it paused}.
	 * @param endpoint the listener description
	 * @return the channel
	 * @throws IllegalStateException if the channel already has a listener, or its default
	 * pipe paths are another channel's
	 */
	public PipeChannel registerListener(PipeListenerEndpoint endpoint) {
		Assert.notNull(endpoint, "'endpoint' must not be null");
		return this.registrar.registerListener(endpoint);
	}

	/**
	 * Detach the listener of a channel, for consumers that come and go (an integration
	 * flow removed at runtime, for instance). A running channel is paused, so that its
	 * lines wait in the pipe rather than being dropped with no listener, and the next
	 * listener registered for it resumes it.
	 * @param name the channel name
	 * @return whether a listener was detached
	 */
	public boolean unregisterListener(String name) {
		return this.registrar.unregisterListener(name);
	}

	/**
	 * Detach the listener an endpoint registered, as {@link #unregisterListener(String)}
	 * does, but only while it is still the listener of the channel of that name: once the
	 * channel was unregistered and registered again, or another listener took its place,
	 * the newcomer is left alone. What a consumer that registered itself should call when
	 * it goes.
	 * @param endpoint the endpoint given to {@link #registerListener}
	 * @return whether its listener was detached
	 */
	public boolean unregisterListener(PipeListenerEndpoint endpoint) {
		Assert.notNull(endpoint, "'endpoint' must not be null");
		return this.registrar.unregisterListener(endpoint);
	}

	/**
	 * Add a channel at runtime (for plug-in hosts) and start it if the registry runs and
	 * the settings say so.
	 * @param name the channel name
	 * @param settings its settings
	 * @param listener receives its lines
	 * @return the channel
	 */
	public PipeChannel register(String name, PipeChannelSettings settings, PipeMessageListener listener) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(listener, "'listener' must not be null");
		return this.registrar.register(name, settings, listener);
	}

	/**
	 * Stop a channel and remove it from the registry. Its name (and pipe paths) can be
	 * registered again once this returns.
	 * @param name the channel name
	 * @return whether it existed
	 */
	public boolean unregister(String name) {
		return this.registrar.unregister(name);
	}

	/**
	 * Return a channel.
	 * @param name the channel name
	 * @return the channel, or {@code null}
	 */
	public @Nullable PipeChannel getChannel(String name) {
		return this.channels.get(name);
	}

	/**
	 * Return a channel that must exist.
	 * @param name the channel name
	 * @return the channel
	 * @throws IllegalArgumentException naming the known channels if it does not exist
	 */
	public PipeChannel getRequiredChannel(String name) {
		PipeChannel channel = this.channels.get(name);
		if (channel == null) {
			throw new IllegalArgumentException("No channel named '" + name + "'; known channels: " + getChannelNames()
					+ ". Declare it under pipe-io.channels." + name + " or give it a @PipeListener(\"" + name + "\")");
		}
		return channel;
	}

	/**
	 * @return the names of all channels, sorted
	 */
	public Set<String> getChannelNames() {
		return this.channels.names();
	}

	/**
	 * @return all channels
	 */
	public Collection<PipeChannel> getChannels() {
		return List.copyOf(this.channels.values());
	}

	/**
	 * Start one channel.
	 * @param name the channel name
	 * @throws IllegalStateException if the registry is not running (such as while the
	 * application shuts down): nothing would stop the channel again; or if the channel's
	 * listener is still being attached
	 */
	public void start(String name) {
		synchronized (this.startMonitor) {
			// with unregister: a channel removed meanwhile must not start, unreachable
			Assert.state(this.running, () -> "Cannot start channel '" + name
					+ "': the channels are stopped (the application is not started, or shuts down)");
			PipeChannel channel = getRequiredChannel(name);
			// Started now, it would drop what it read until its listener is there. The
			// registrar starts it once it is, if it starts on its own.
			Assert.state(this.channels.isStartable(channel),
					() -> "Cannot start channel '" + name + "' yet: its listener is being attached; "
							+ (channel.getSettings().autoStartup() ? "it starts once that is done"
									: "start it again once that is done"));
			channel.start();
		}
	}

	/**
	 * Stop one channel.
	 * @param name the channel name
	 */
	public void stop(String name) {
		getRequiredChannel(name).stop(this.shutdownTimeout);
	}

	/**
	 * Pause one channel: its incoming lines stay in the pipe until it is resumed here. A
	 * listener attached meanwhile (a flow started again, a lazy bean created) does not
	 * resume it.
	 * @param name the channel name
	 */
	public void pause(String name) {
		getRequiredChannel(name).listener.pauseByOperator();
	}

	/**
	 * Resume one paused channel.
	 * @param name the channel name
	 */
	public void resume(String name) {
		getRequiredChannel(name).listener.resumeByOperator();
	}

	@Override
	public void start() {
		// With register: a channel registered while this runs is started by one or the
		// other, never by neither.
		synchronized (this.startMonitor) {
			List<PipeChannel> started = new ArrayList<>();
			// The channels usually share a directory: it is checked once; each channel's
			// pipes are checked as ever.
			try (SharedDirectoryChecks directoryChecks = SharedDirectoryChecks.open()) {
				for (String name : getChannelNames()) {
					PipeChannel channel = this.channels.get(name);
					// one whose listener is being attached is started once it is
					if (channel == null || !channel.getSettings().autoStartup()
							|| !this.channels.isStartable(channel)) {
						continue;
					}
					if (!channel.hasListener() && logger.isDebugEnabled()) {
						logger.debug("Channel '" + name + "' has no @PipeListener: it only sends; a line that"
								+ " arrives is dropped, and the first one is logged as a warning");
					}
					channel.start();
					started.add(channel);
				}
			}
			catch (RuntimeException ex) {
				started.forEach((channel) -> channel.stop(Duration.ofSeconds(1)));
				// No stop follows a failed start: the files the channels opened,
				// the failed one's included, are closed here.
				this.deadLetterFiles.closeAll();
				throw ex;
			}
			this.running = true;
			if (!this.channels.values().isEmpty()) {
				this.keepAlive.start();
			}
		}
	}

	/**
	 * Stop every channel, all at the same time, each writing its queued lines for at most
	 * the shutdown timeout: a channel whose client stopped reading does not use up the
	 * time of the others. Channels being stopped by name or unregistered on other threads
	 * meanwhile are waited for within the same time, so that none of them runs on, nor
	 * its plug-in, once this returns.
	 */
	@Override
	public void stop() {
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos() + ChannelStopper.GRACE_NANOS;
		synchronized (this.startMonitor) {
			// a channel started by name before this is stopped below; none after it
			this.running = false;
		}
		ChannelStopper.stopAll(this.channels.values(), this.shutdownTimeout);
		// Channels unregistered meanwhile are no longer in the table but may still be
		// stopping: their plug-ins must not outlive this stop (the application may exit
		// once it returns), and they may still write to the dead-letter files closed
		// next.
		this.channels.awaitReleased(deadline);
		this.deadLetterFiles.closeAll();
		this.keepAlive.stop();
	}

	/**
	 * Stop what still runs when the context goes away. A context that stops waiting for a
	 * start it runs concurrently fails, and does not stop this registry, which it never
	 * saw running; the start then ends later, on its own thread, and would leave its
	 * channels, their pipes and the directory lock behind.
	 */
	@Override
	public void destroy() {
		stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Set whether the application context starts this registry, and with it the channels,
	 * when it is refreshed; {@code true} unless set.
	 * @param autoStartup whether to start with the context
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

}
