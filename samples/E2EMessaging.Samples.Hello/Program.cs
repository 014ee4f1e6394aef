Console.WriteLine("The sample lands with the Kyber key types.");
