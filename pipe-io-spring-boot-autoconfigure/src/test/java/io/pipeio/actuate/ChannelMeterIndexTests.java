package io.pipeio.actuate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ChannelMeterIndex} on a real registry: which meters it keeps for a channel.
 */
class ChannelMeterIndexTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void keepsThePipeIoMetersOfEachChannelAddedBeforeAndAfterItWatches() {
		Counter before = this.registry.counter("pipeio.messages.received", "channel", "a");
		ChannelMeterIndex index = ChannelMeterIndex.watch(this.registry);
		Timer after = this.registry.timer("pipeio.listener", "channel", "a", "outcome", "success");
		Counter other = this.registry.counter("pipeio.messages.received", "channel", "b");
		this.registry.counter("application.messages", "channel", "a");
		this.registry.counter("pipeio.untagged");
		assertThat(index.meters("a")).containsExactlyInAnyOrder(before, after);
		assertThat(index.meters("b")).containsExactly(other);
		assertThat(index.meters("c")).isEmpty();
	}

	@Test
	void forgetsAMeterTheRegistryRemoved() {
		ChannelMeterIndex index = ChannelMeterIndex.watch(this.registry);
		Counter kept = this.registry.counter("pipeio.messages.sent", "channel", "a");
		Counter removed = this.registry.counter("pipeio.messages.received", "channel", "a");
		this.registry.remove(removed);
		assertThat(index.meters("a")).containsExactly(kept);
		this.registry.remove(kept);
		assertThat(index.meters("a")).isEmpty();
		Counter again = this.registry.counter("pipeio.messages.sent", "channel", "a");
		assertThat(index.meters("a")).containsExactly(again);
	}

}
