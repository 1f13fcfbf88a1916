package io.pipeio.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The pipe-io meters of each channel (named {@code pipeio.*}, tagged {@code channel}),
 * kept up to date as the registry adds and removes meters, whoever registers them: the
 * channel's own, its listener's timer, its plug-in's and its requests'. Removing a
 * channel then touches its own meters only; finding them by a search through every meter
 * of the application cost each removal time in proportion to all the channels there are.
 *
 * @author pipe-io
 */
final class ChannelMeterIndex {

	private static final String PREFIX = "pipeio.";

	/** Changed only inside the map's compute methods, so no update is lost. */
	private final Map<String, List<Meter>> byChannel = new ConcurrentHashMap<>();

	/**
	 * Index the meters the registry holds and every meter it adds from now on.
	 * @param registry the registry
	 * @return the index
	 */
	static ChannelMeterIndex watch(MeterRegistry registry) {
		ChannelMeterIndex index = new ChannelMeterIndex();
		// Listening first: a meter added meanwhile is seen twice rather than never.
		registry.config().onMeterAdded(index::added).onMeterRemoved(index::removed);
		registry.getMeters().forEach(index::added);
		return index;
	}

	/**
	 * @param channel the channel's name
	 * @return its meters now
	 */
	List<Meter> meters(String channel) {
		List<List<Meter>> copy = new ArrayList<>(1);
		this.byChannel.computeIfPresent(channel, (name, meters) -> {
			copy.add(List.copyOf(meters));
			return meters;
		});
		return copy.isEmpty() ? List.of() : copy.get(0);
	}

	private void added(Meter meter) {
		String channel = channelOf(meter);
		if (channel != null) {
			this.byChannel.compute(channel, (name, meters) -> {
				List<Meter> list = (meters != null) ? meters : new ArrayList<>();
				if (!list.contains(meter)) {
					list.add(meter);
				}
				return list;
			});
		}
	}

	private void removed(Meter meter) {
		String channel = channelOf(meter);
		if (channel != null) {
			this.byChannel.computeIfPresent(channel, (name, meters) -> {
				meters.remove(meter);
				return meters.isEmpty() ? null : meters;
			});
		}
	}

	private static @Nullable String channelOf(Meter meter) {
		Meter.Id id = meter.getId();
		return id.getName().startsWith(PREFIX) ? id.getTag("channel") : null;
	}

}
