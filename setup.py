"""Build steps pyproject.toml cannot declare: the optional compiled kernels, and the shipped
model copied into the package."""
import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py


class BuildWithModel(build_py):
    """Put models/webspam.npz into the package as classifier/models/webspam.npz, and the
    labeling guide as classifier/LABELING.md (`webspam guide`)."""

    def run(self):
        super().run()
        here = Path(__file__).parent
        target = Path(self.build_lib) / "classifier" / "models"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(here / "models" / "webspam.npz", target / "webspam.npz")
        shutil.copyfile(here / "LABELING.md", Path(self.build_lib) / "classifier" / "LABELING.md")


def extensions():
    try:
        from Cython.Build import cythonize
    except ImportError:  # no Cython in the build environment: the numpy code runs
        return []
    # optional: a machine without a C compiler builds the package without them (set on what
    # cythonize returns: it does not carry the flag over)
    built = cythonize([Extension("classifier._kernels", ["classifier/_kernels.pyx"],
                                 # the same floating-point operations as numpy: no fused multiply-add
                                 extra_compile_args=["-ffp-contract=off"])], quiet=True)
    for ext in built:
        ext.optional = True
    return built


setup(ext_modules=extensions(), cmdclass={"build_py": BuildWithModel})
