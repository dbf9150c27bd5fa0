"""``grid_sample`` / ``affine_grid`` (modes, shapes, dtypes) and fractional max pooling."""


def grid_mode(mode):
    return ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
                      f"'bicubic', but got: '{mode}'")


def grid_padding_mode(mode):
    return ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                      f"'border', or 'reflection', but got: '{mode}'")


def grid_batch(input_shape, grid_shape):
    return RuntimeError("grid_sampler(): expected grid and input to have same batch size, but got "
                        f"input with sizes {list(input_shape)} and grid with sizes "
                        f"{list(grid_shape)}")


def grid_last_dim(n, grid_shape):
    return RuntimeError(f"grid_sampler(): expected grid to have size {n} in last dimension, but "
                        f"got grid with sizes {list(grid_shape)}")


def grid_empty_input(shape, dim):
    return RuntimeError("grid_sampler(): expected input to have non-empty spatial dimensions, "
                        f"but input has sizes {list(shape)} with dimension {dim} being empty")


def grid_bicubic_3d():
    return RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")


def affine_theta_dtype(dtype):
    return ValueError(f"Expected theta to have floating point type, but got {dtype}")


def affine_theta_shape(nd, size, shape):
    what = "2D affine matrices of shape Nx2x3" if nd == 2 else "3D affine matrices of shape Nx3x4"
    return ValueError(f"Expected a batch of {what} for size {size}. Got {shape}.")


def affine_size_len(size):
    return NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine "
                               f"transforms, respectively. Got size {size}.")


def affine_size_positive(size):
    return ValueError(f"Expected non-zero, positive output size. Got {size}")


def fractional_pool_size(k):
    return ValueError(f"fractional_max_pool{k}d requires specifying either an output_size or an "
                      "output_ratio")
