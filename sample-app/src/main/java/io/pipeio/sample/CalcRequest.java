package io.pipeio.sample;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * A request of the {@code calc} channel, such as {@code {"op":"add","a":1,"b":2}}.
 *
 * @param op one of add, sub, mul, div
 * @param a the first operand
 * @param b the second operand
 * @author pipe-io
 */
public record CalcRequest(String op, BigDecimal a, BigDecimal b) {

	/**
	 * Compute the result.
	 * @return the result
	 * @throws IllegalArgumentException for an unknown operation or a division by zero
	 */
	public BigDecimal compute() {
		if (this.op == null || this.a == null || this.b == null) {
			throw new IllegalArgumentException("op, a and b are required");
		}
		return switch (this.op) {
			case "add" -> this.a.add(this.b);
			case "sub" -> this.a.subtract(this.b);
			case "mul" -> this.a.multiply(this.b);
			case "div" -> {
				if (this.b.signum() == 0) {
					throw new IllegalArgumentException("division by zero");
				}
				yield this.a.divide(this.b, MathContext.DECIMAL64);
			}
			default -> throw new IllegalArgumentException("unknown op '" + this.op + "'; use add, sub, mul or div");
		};
	}

}
