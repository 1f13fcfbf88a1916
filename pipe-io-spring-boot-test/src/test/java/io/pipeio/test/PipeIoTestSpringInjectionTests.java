package io.pipeio.test;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PipeIoTest} with {@code @SpringBootTest} and the ways Spring injects: an
 * autowired constructor and an {@code @Autowired} method parameter are Spring's to
 * resolve (two resolvers of one parameter would fail the test), a plain parameter is the
 * extension's, and all are the context's one directory.
 */
@SpringBootTest(classes = PipeIoTestSpringTests.Empty.class)
@PipeIoTest
class PipeIoTestSpringInjectionTests {

	private final PipeTestDirectory constructed;

	@Autowired
	PipeIoTestSpringInjectionTests(PipeTestDirectory directory) {
		this.constructed = directory;
	}

	@Test
	void anAutowiredParameterAndAPlainOneAreTheContextsDirectory(@Autowired PipeTestDirectory autowired,
			PipeTestDirectory plain) {
		assertThat(autowired).isSameAs(this.constructed);
		assertThat(plain).isSameAs(this.constructed);
		assertThat(this.constructed.path()).isDirectory();
	}

}
