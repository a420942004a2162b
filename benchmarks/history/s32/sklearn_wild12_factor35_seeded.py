"""s32 sklearn_wild12.md: rlaxoghd0513's m14_HalvingGridSearch1.py grid and split with random_state=0 under both (the script's own run has none).

    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s32/sklearn_wild12_factor35_seeded.py
"""
# ruff: noqa: E501, E702, E401, E402, I001
import warnings; warnings.filterwarnings("ignore")
from sklearn.datasets import load_digits
from sklearn.experimental import enable_halving_search_cv  # noqa
from sklearn.model_selection import HalvingGridSearchCV, train_test_split
from sklearn.svm import SVC
from tunewise.integrations.sklearn import SearchCV
x,y = load_digits(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x,y, shuffle=True, random_state = 1232, test_size = 0.2)
parameters = [{"C":[1,10,100,1000], "kernel":['linear'],'degree':[3,4,5]},{"C":[1,10,100],'kernel':['rbf','linear'],'gamma':[0.001,0.0001]},{"C":[1,10,100,1000], 'kernel':['sigmoid'],'gamma':[0.01,0.001,0.0001], 'degree':[3,4]},{"C":[0.1,1], "gamma":[1,10]}]
for name, s in (("sk", HalvingGridSearchCV(SVC(), parameters, cv=5, factor=3.5, random_state=0)), ("tw", SearchCV(SVC(), param_grid=parameters, cv=5, factor=3.5, random_state=0, strategy="halving"))):
    s.fit(x_train, y_train)
    print(name, s.n_resources_, s.n_candidates_, s.n_iterations_, s.min_resources_, s.max_resources_, s.best_params_, round(s.best_score_, 6), list(s.cv_results_["iter"])[-5:])
