package io.pipeio.plugin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What counts as a failed exit: what the plug-in did, or what pipe-io ended as failed;
 * never a stop or restart that pipe-io made, whatever the code.
 */
class PluginExitTests {

	@ParameterizedTest(name = "{1} with code {0}: failed {2}")
	@CsvSource({ "0, EXITED, false", "1, EXITED, true", "143, EXITED, true", "-1, LAUNCH_FAILED, true",
			"0, ENDED_AS_FAILED, true", "143, ENDED_AS_FAILED, true", "143, STOPPED, false", "137, STOPPED, false",
			"143, RESTARTED, false" })
	void failedIsWhatOnFailureRestarts(int code, PluginExit.Reason reason, boolean failed) {
		assertThat(new PluginExit(code, reason, false).failed()).isEqualTo(failed);
	}

}
