package io.pipeio.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A round of the {@link PipeWatchdog} whose own bookkeeping fails (as a class that cannot
 * be loaded while the process is out of file descriptors makes it) does not end the
 * watchdog: it says so once, tries again, and checks the channels once it succeeds.
 */
@Timeout(60)
@ExtendWith(ConsoleOutput.class)
class PipeWatchdogFailureTests {

	@TempDir
	Path dir;

	@Test
	void aFailedRoundIsToldOnceAndTheWatchdogGoesOnCheckingTheChannels(ConsoleOutput.Captured output) {
		FailingCheck check = new FailingCheck(3);
		PipeWatchdog.registerPipeCheck(check, List.of(this.dir.resolve("echo.in"), this.dir.resolve("echo.out")));
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> check.checked.get() >= 2);
			assertThat(check.failuresLeft).hasValueLessThanOrEqualTo(0);
			assertThat(output.toString()).containsOnlyOnce("A round of the pipe-io watchdog failed")
				.contains("NoClassDefFoundError: out of descriptors")
				.containsOnlyOnce("The pipe-io watchdog checks the channels again");
		}
		finally {
			PipeWatchdog.unregisterPipeCheck(check, 5_000);
		}
	}

	/**
	 * A check whose hash code fails on the watchdog's thread a number of times: the
	 * watchdog's bookkeeping of the registered checks asks for it, outside the check.
	 */
	private static final class FailingCheck implements PipeWatchdog.PipeCheck {

		private final AtomicInteger failuresLeft;

		private final AtomicInteger checked = new AtomicInteger();

		FailingCheck(int failures) {
			this.failuresLeft = new AtomicInteger(failures);
		}

		@Override
		public void check(boolean paths) {
			this.checked.incrementAndGet();
		}

		@Override
		public int hashCode() {
			if (Thread.currentThread().getName().equals("pipe-io-watchdog") && this.failuresLeft.get() > 0) {
				this.failuresLeft.decrementAndGet();
				throw new NoClassDefFoundError("out of descriptors");
			}
			return System.identityHashCode(this);
		}

		@Override
		public boolean equals(Object other) {
			return this == other;
		}

	}

}
