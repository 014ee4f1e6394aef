namespace E2EMessaging.Protocol.Spqr;

/// <summary>Polynomials over GF(2^16) as coefficient arrays, lowest degree first.</summary>
internal static class Gf16Polynomial
{
    /// <summary>
    /// The unique polynomial of degree below n through the n points (xs[k], ys[k]); the xs must be distinct.
    /// Builds N(X) = Π (X - x_k) once, then for each k divides out (X - x_k) to get the numerator of the
    /// k-th Lagrange basis polynomial and adds it scaled by y_k / Π_{j≠k} (x_k - x_j). O(n²) multiplications.
    /// </summary>
    public static Gf16[] Interpolate(ReadOnlySpan<Gf16> xs, ReadOnlySpan<Gf16> ys)
    {
        if (xs.Length != ys.Length)
        {
            throw new ArgumentException("Every x needs a y.", nameof(ys));
        }

        int n = xs.Length;
        var result = new Gf16[n];
        if (n == 0)
        {
            return result;
        }

        // N(X) = Π (X + x_k); in characteristic 2, minus and plus are the same.
        var all = new Gf16[n + 1];
        all[0] = Gf16.One;
        for (int k = 0; k < n; k++)
        {
            for (int j = k + 1; j > 0; j--)
            {
                all[j] = all[j - 1] + (all[j] * xs[k]);
            }

            all[0] *= xs[k];
        }

        var basis = new Gf16[n];
        for (int k = 0; k < n; k++)
        {
            // Synthetic division: N(X) = (X - x_k) · basis(X), exact since x_k is a root.
            basis[n - 1] = all[n];
            for (int j = n - 1; j > 0; j--)
            {
                basis[j - 1] = all[j] + (xs[k] * basis[j]);
            }

            Gf16 denominator = Gf16.One;
            for (int j = 0; j < n; j++)
            {
                if (j != k)
                {
                    denominator *= xs[k] - xs[j];
                }
            }

            Gf16 scale = ys[k] / denominator;
            for (int j = 0; j < n; j++)
            {
                result[j] += basis[j] * scale;
            }
        }

        return result;
    }

    /// <summary>p(x) by Horner's rule; the empty polynomial is zero everywhere.</summary>
    public static Gf16 Evaluate(ReadOnlySpan<Gf16> coefficients, Gf16 x)
    {
        Gf16 acc = Gf16.Zero;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            acc = (acc * x) + coefficients[i];
        }

        return acc;
    }
}
