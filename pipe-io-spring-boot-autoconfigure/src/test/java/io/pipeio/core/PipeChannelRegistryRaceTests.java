package io.pipeio.core;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.pipeio.autoconfigure.PipeChannelSettingsFactory;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A channel removed while it is being added at runtime is not started by the add: it
 * would run in no table, which no stop ever reaches, with its pipes and meters, after the
 * context closed.
 */
@Timeout(120)
class PipeChannelRegistryRaceTests {

	@TempDir
	Path directory;

	@Test
	void aChannelUnregisteredWhileItIsRegisteredIsNotLeftRunning() {
		AtomicReference<PipeChannel> orphan = new AtomicReference<>();
		PipeIoContextRunners.withDirectory(this.directory).run((context) -> {
			PipeChannelRegistry registry = context.getBean(PipeChannelRegistry.class);
			PipeChannelSettingsFactory factory = context.getBean(PipeChannelSettingsFactory.class);
			for (int i = 0; i < 200 && orphan.get() == null; i++) {
				String name = "w" + i;
				CompletableFuture<Void> remover = CompletableFuture.runAsync(() -> {
					long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
					while (!registry.unregister(name) && System.nanoTime() < end) {
						Thread.onSpinWait();
					}
				});
				PipeChannel channel;
				try {
					channel = registry.register(name, factory.createDefault(name), (line, target) -> line);
				}
				catch (IllegalStateException ex) {
					// removed before it started: said so, nothing runs
					remover.join();
					continue;
				}
				remover.join();
				assertThat(registry.getChannel(name)).isNull();
				if (channel.isRunning()) {
					orphan.set(channel);
				}
			}
		});
		assertThat(orphan.get()).as("a channel started after it was removed").isNull();
	}

}
