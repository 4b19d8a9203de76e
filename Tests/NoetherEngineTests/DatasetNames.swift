import NoetherEngine

// The engine's generators take the name a dataset carries from their caller (the
// language names a dataset by its builtin). These tests do not read the name: they
// call the generators under their old signatures, which give the builtin's name.

func gaussianMixture(n: Int, d: Int, classes: Int, separation: Double, seed: Int) throws(EngineError) -> Dataset {
    try NoetherEngine.gaussianMixture(
        name: "gaussian_mixture", n: n, d: d, classes: classes, separation: separation, seed: seed)
}

func xor2d(n: Int, seed: Int) throws(EngineError) -> Dataset {
    try NoetherEngine.xor2d(name: "xor2d", n: n, seed: seed)
}

func spheres(n: Int, d: Int = 10, noise: Double = 0.1, seed: Int) throws(EngineError) -> Dataset {
    try NoetherEngine.spheres(name: "spheres", n: n, d: d, noise: noise, seed: seed)
}

func teacherStudent(n: Int, d: Int, hidden: Int, out: Int, noise: Double = 0, seed: Int) throws(EngineError)
    -> Dataset
{
    try NoetherEngine.teacherStudent(
        name: "teacher_student", n: n, d: d, hidden: hidden, out: out, noise: noise, seed: seed)
}

func loadMNIST(path: String, n: Int? = nil, test: Bool = false) throws(EngineError) -> Dataset {
    try NoetherEngine.loadMNIST(name: test ? "mnist_test" : "mnist", path: path, n: n, test: test)
}
