package io.pipeio.plugin;

import java.nio.file.Path;

import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.testsupport.PipeIoContextRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plug-in's {@code working-directory} is a file system path, relative to the
 * application's working directory: never a resource of the application context, which in
 * a web application resolves {@code .} to the servlet container's document root, and here
 * to the class path.
 */
@Timeout(60)
class PluginWorkingDirectoryTests {

	@TempDir
	Path directory;

	@Test
	void aDotIsTheApplicationsWorkingDirectory() {
		assertThat(workingDirectoryFor(".")).isEqualTo(Path.of("").toAbsolutePath());
	}

	@Test
	void aRelativePathIsResolvedAgainstTheApplicationsWorkingDirectory() {
		assertThat(workingDirectoryFor("target")).isEqualTo(Path.of("target").toAbsolutePath());
	}

	@Test
	void anAbsolutePathIsKept() {
		assertThat(workingDirectoryFor(this.directory.toString())).isEqualTo(this.directory);
	}

	private Path workingDirectoryFor(String value) {
		Path[] found = new Path[1];
		PipeIoContextRunners.withDirectory(this.directory.resolve("pipes"))
			.withPropertyValues("pipe-io.channels.wd.plugin.command=cat",
					"pipe-io.channels.wd.plugin.working-directory=" + value)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				found[0] = context.getBean(PipeChannelRegistry.class)
					.getRequiredChannel("wd")
					.getPlugin()
					.getSettings()
					.workingDirectory();
			});
		return found[0];
	}

}
