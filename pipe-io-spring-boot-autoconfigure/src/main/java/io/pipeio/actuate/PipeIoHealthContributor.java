package io.pipeio.actuate;

import java.util.stream.Stream;

import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.util.Assert;

/**
 * One health component per channel ({@code /actuator/health/pipeIo/<channel>}), following
 * the registry as channels are added and removed at runtime.
 *
 * @author pipe-io
 */
public class PipeIoHealthContributor implements CompositeHealthContributor {

	private final PipeChannelRegistry registry;

	/**
	 * Create a contributor.
	 * @param registry the channels
	 */
	public PipeIoHealthContributor(PipeChannelRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		PipeChannel channel = this.registry.getChannel(name);
		return (channel != null) ? new PipeChannelHealthIndicator(channel) : null;
	}

	@Override
	public Stream<Entry> stream() {
		return this.registry.getChannelNames().stream().map((name) -> {
			HealthContributor contributor = getContributor(name);
			return (contributor != null) ? new Entry(name, contributor) : null;
		}).filter(java.util.Objects::nonNull);
	}

}
