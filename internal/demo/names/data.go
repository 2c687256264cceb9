package names

// The tables below are weighted by rough frequency among adults living in
// France (INSEE surname and first-name files, rounded, and the
// composition of the population met by social services). They are
// plausible, not statistics: good enough to make search and duplicate
// detection face the names they will really meet.

// Origin is the naming tradition a generated person's names come from.
type Origin string

const (
	France      Origin = "france"
	Maghreb     Origin = "maghreb"
	WestAfrica  Origin = "afrique_ouest"
	Portugal    Origin = "portugal"
	Turkey      Origin = "turquie"
	Vietnam     Origin = "vietnam"
	originCount        = 6
)

// Origins lists every origin, in a fixed order.
var Origins = []Origin{France, Maghreb, WestAfrica, Portugal, Turkey, Vietnam}

// originWeights: share of households of each origin (per mille).
var originWeights = []w{
	{string(France), 700}, {string(Maghreb), 150}, {string(WestAfrica), 60},
	{string(Portugal), 50}, {string(Turkey), 25}, {string(Vietnam), 15},
}

// w is a weighted value.
type w struct {
	v string
	n int
}

var surnames = map[Origin][]w{
	France: {
		{"Martin", 235}, {"Bernard", 105}, {"Thomas", 95}, {"Petit", 90}, {"Robert", 88}, {"Richard", 87},
		{"Durand", 85}, {"Dubois", 83}, {"Moreau", 80}, {"Laurent", 78}, {"Simon", 76}, {"Michel", 75},
		{"Lefebvre", 72}, {"Leroy", 70}, {"Roux", 66}, {"David", 64}, {"Bertrand", 63}, {"Morel", 62},
		{"Fournier", 61}, {"Girard", 60}, {"Bonnet", 58}, {"Dupont", 57}, {"Lambert", 56}, {"Fontaine", 55},
		{"Rousseau", 54}, {"Vincent", 53}, {"Muller", 52}, {"Lefèvre", 51}, {"Faure", 50}, {"André", 50},
		{"Mercier", 49}, {"Blanc", 48}, {"Guérin", 47}, {"Boyer", 46}, {"Garnier", 45}, {"Chevalier", 45},
		{"François", 44}, {"Legrand", 44}, {"Gauthier", 43}, {"Garcia", 43}, {"Perrin", 42}, {"Robin", 42},
		{"Clément", 41}, {"Morin", 41}, {"Nicolas", 40}, {"Henry", 40}, {"Roussel", 39}, {"Mathieu", 39},
		{"Gautier", 38}, {"Masson", 38}, {"Marchand", 37}, {"Duval", 37}, {"Denis", 36}, {"Dumont", 36},
		{"Marie", 35}, {"Lemaire", 35}, {"Noël", 34}, {"Meyer", 34}, {"Dufour", 33}, {"Meunier", 33},
		{"Brun", 32}, {"Blanchard", 32}, {"Giraud", 31}, {"Joly", 31}, {"Rivière", 30}, {"Lucas", 30},
		{"Brunet", 30}, {"Gaillard", 29}, {"Barbier", 29}, {"Arnaud", 29}, {"Martinez", 28}, {"Gérard", 28},
		{"Roche", 28}, {"Renard", 27}, {"Schmitt", 27}, {"Roy", 27}, {"Leroux", 26}, {"Colin", 26},
		{"Vidal", 26}, {"Caron", 25}, {"Picard", 25}, {"Roger", 25}, {"Fabre", 25}, {"Aubert", 24},
		{"Lemoine", 24}, {"Renaud", 24}, {"Dumas", 24}, {"Lacroix", 23}, {"Olivier", 23}, {"Philippe", 23},
		{"Bourgeois", 23}, {"Pierre", 22}, {"Benoît", 22}, {"Rey", 22}, {"Leclerc", 22}, {"Payet", 22},
		{"Rolland", 21}, {"Leclercq", 21}, {"Guillaume", 21}, {"Lecomte", 21}, {"Lopez", 21}, {"Jean", 20},
		{"Dupuy", 20}, {"Guillot", 20}, {"Hubert", 20}, {"Berger", 20}, {"Carpentier", 19}, {"Sanchez", 19},
		{"Dupuis", 19}, {"Moulin", 19}, {"Louis", 19}, {"Deschamps", 18}, {"Huet", 18}, {"Vasseur", 18},
		{"Perez", 18}, {"Boucher", 18}, {"Fleury", 17}, {"Royer", 17}, {"Klein", 17}, {"Jacquet", 17},
		{"Adam", 17}, {"Paris", 16}, {"Poirier", 16}, {"Marty", 16}, {"Aubry", 16}, {"Guyot", 16},
		{"Carré", 15}, {"Charles", 15}, {"Renault", 15}, {"Charpentier", 15}, {"Ménard", 15}, {"Maillard", 15},
		{"Baron", 14}, {"Bertin", 14}, {"Bailly", 14}, {"Hervé", 14}, {"Schneider", 14}, {"Fernandez", 14},
		{"Le Gall", 14}, {"Collet", 13}, {"Léger", 13}, {"Bouvier", 13}, {"Julien", 13}, {"Prévost", 13},
		{"Millet", 13}, {"Perrot", 12}, {"Daniel", 12}, {"Le Roux", 12}, {"Cousin", 12}, {"Germain", 12},
		{"Breton", 12}, {"Besson", 12}, {"Langlois", 12}, {"Rémy", 11}, {"Le Goff", 11}, {"Pelletier", 11},
		{"Lévêque", 11}, {"Perrier", 11}, {"Leblanc", 11}, {"Barré", 11}, {"Lebrun", 11}, {"Marchal", 10},
		{"Weber", 10}, {"Mallet", 10}, {"Hamon", 10}, {"Boulanger", 10}, {"Jacob", 10}, {"Monnier", 10},
		{"Michaud", 10}, {"Rodriguez", 10}, {"Guichard", 9}, {"Gillet", 9}, {"Étienne", 9}, {"Grondin", 9},
		{"Poulain", 9}, {"Tessier", 9}, {"Chevallier", 9}, {"Collin", 9}, {"Chauvin", 9}, {"Bouchet", 8},
		{"Gay", 8}, {"Lemaître", 8}, {"Bénard", 8}, {"Maréchal", 8}, {"Humbert", 8}, {"Reynaud", 8},
		{"Antoine", 8}, {"Hoarau", 8}, {"Perret", 8}, {"Barthélemy", 8}, {"Cordier", 7}, {"Pichon", 7},
		{"Lejeune", 7}, {"Gilbert", 7}, {"Lamy", 7}, {"Delaunay", 7}, {"Pasquier", 7}, {"Carlier", 7},
		{"Laporte", 7}, {"Lefeuvre", 6}, {"Lefébure", 3}, {"Le Floch", 5}, {"Le Bihan", 5}, {"Le Corre", 4},
		{"De Sousa", 4}, {"de La Fontaine", 2}, {"Du Pont", 2}, {"Delacroix", 4}, {"Dubreuil", 4},
		{"Courtois", 5}, {"Vallée", 5}, {"Bouquet", 5}, {"Hébert", 6}, {"Têtu", 2}, {"Beaulieu", 4},
		{"Château", 2}, {"Lelièvre", 4}, {"Thibault", 6}, {"Rocher", 4}, {"Kieffer", 3}, {"Wagner", 5},
	},
	Maghreb: {
		{"Benali", 30}, {"Ben Ali", 12}, {"Haddad", 28}, {"Mansouri", 24}, {"Saidi", 22}, {"Saïdi", 8},
		{"Cherif", 22}, {"Hamidi", 20}, {"Brahimi", 20}, {"Amrani", 18}, {"El Amrani", 10}, {"Belkacem", 18},
		{"Bouzid", 17}, {"Benabdallah", 12}, {"Ben Abdallah", 6}, {"Boukhari", 12}, {"Benyahia", 10},
		{"El Idrissi", 12}, {"Benmoussa", 10}, {"Meziane", 14}, {"Khelifi", 14}, {"Aït Ahmed", 8},
		{"Ait Ahmed", 4}, {"Ouali", 10}, {"Boudjema", 8}, {"Zerrouki", 8}, {"Rahmani", 14}, {"Belhadj", 14},
		{"Bouaziz", 12}, {"Ziani", 10}, {"Chaouch", 8}, {"Slimani", 12}, {"Benchikh", 6}, {"Lahlou", 8},
		{"Touati", 10}, {"Hadjadj", 6}, {"Kaci", 12}, {"Mebarki", 8}, {"Bensalem", 8}, {"Ben Salem", 4},
		{"El Khatib", 6}, {"Messaoudi", 12}, {"Djebbar", 6}, {"Larbi", 8}, {"Moussaoui", 10}, {"Tahri", 6},
	},
	WestAfrica: {
		{"Diallo", 40}, {"Traoré", 34}, {"Traore", 8}, {"Coulibaly", 30}, {"Diop", 26}, {"Ndiaye", 24},
		{"N'Diaye", 6}, {"Sow", 18}, {"Camara", 22}, {"Cissé", 18}, {"Keita", 16}, {"Keïta", 4},
		{"Konaté", 12}, {"Sylla", 12}, {"Diarra", 12}, {"Touré", 14}, {"Ba", 10}, {"Fofana", 12},
		{"Sanogo", 8}, {"Kanté", 8}, {"Doumbia", 10}, {"Sy", 6}, {"Fall", 10}, {"Gueye", 10}, {"Mbaye", 8},
		{"Niang", 8}, {"Dembélé", 10}, {"Kouyaté", 6}, {"Baldé", 8}, {"Bamba", 8}, {"Koné", 12},
		{"Ouattara", 8}, {"Diakité", 10}, {"Sissoko", 8}, {"Soumaré", 6},
	},
	Portugal: {
		{"Da Silva", 40}, {"Dos Santos", 30}, {"Pereira", 28}, {"Ferreira", 26}, {"Rodrigues", 26},
		{"Fernandes", 24}, {"Gonçalves", 20}, {"Goncalves", 6}, {"Lopes", 18}, {"Martins", 20}, {"Gomes", 18},
		{"Ribeiro", 16}, {"De Oliveira", 14}, {"Oliveira", 12}, {"Teixeira", 14}, {"Carvalho", 14},
		{"Pinto", 12}, {"Sousa", 12}, {"De Sousa", 8}, {"Moreira", 10}, {"Correia", 10}, {"Mendes", 12},
		{"Cardoso", 10}, {"Da Costa", 12}, {"Alves", 12}, {"Monteiro", 8}, {"Marques", 10}, {"Do Nascimento", 4},
	},
	Turkey: {
		{"Yilmaz", 30}, {"Yılmaz", 4}, {"Kaya", 22}, {"Demir", 22}, {"Sahin", 14}, {"Şahin", 6}, {"Celik", 12},
		{"Çelik", 6}, {"Yildiz", 14}, {"Yildirim", 12}, {"Öztürk", 10}, {"Ozturk", 4}, {"Aydin", 14},
		{"Özdemir", 8}, {"Arslan", 12}, {"Dogan", 10}, {"Kilic", 8}, {"Aslan", 8}, {"Çetin", 6},
		{"Kara", 8}, {"Koç", 6}, {"Kurt", 8}, {"Özkan", 6}, {"Simsek", 6},
	},
	Vietnam: {
		{"Nguyen", 60}, {"Nguyên", 6}, {"Tran", 24}, {"Trân", 4}, {"Le", 18}, {"Lê", 4}, {"Pham", 14},
		{"Hoang", 10}, {"Huynh", 10}, {"Phan", 8}, {"Vu", 6}, {"Vo", 6}, {"Dang", 6}, {"Bui", 6}, {"Do", 6},
		{"Ho", 4}, {"Ngo", 4}, {"Duong", 4}, {"Ly", 4}, {"Truong", 6},
	},
}

// Given names carry a peak decade: a name is drawn mostly near its
// fashion (Kévin in the 1990s, Jeanne before 1950 and after 2010).
type given struct {
	v    string
	n    int // weight at the peak
	peak int // year of highest popularity
}

var givenF = map[Origin][]given{
	France: {
		{"Marie", 60, 1950}, {"Jeanne", 30, 1935}, {"Monique", 30, 1945}, {"Françoise", 30, 1950},
		{"Nicole", 28, 1948}, {"Jacqueline", 26, 1940}, {"Sylvie", 32, 1965}, {"Isabelle", 34, 1966},
		{"Nathalie", 36, 1968}, {"Catherine", 30, 1960}, {"Christine", 28, 1958}, {"Valérie", 28, 1968},
		{"Sandrine", 30, 1972}, {"Véronique", 24, 1964}, {"Stéphanie", 32, 1976}, {"Céline", 32, 1980},
		{"Aurélie", 30, 1982}, {"Émilie", 26, 1984}, {"Julie", 30, 1985}, {"Marie-Claire", 8, 1955},
		{"Anne-Sophie", 10, 1982}, {"Marie-Christine", 8, 1955}, {"Audrey", 24, 1985}, {"Mélanie", 24, 1984},
		{"Laura", 26, 1993}, {"Camille", 28, 1996}, {"Manon", 30, 1998}, {"Léa", 32, 2002}, {"Chloé", 28, 2002},
		{"Emma", 30, 2008}, {"Inès", 14, 2006}, {"Jade", 22, 2012}, {"Louise", 24, 2016}, {"Alice", 18, 2016},
		{"Zoé", 14, 2010}, {"Océane", 18, 1998}, {"Mégane", 16, 1995}, {"Anaïs", 18, 1992}, {"Gaëlle", 10, 1982},
		{"Noémie", 14, 1996}, {"Hélène", 18, 1955}, {"Héloïse", 6, 2005}, {"Élodie", 22, 1985}, {"Coralie", 12, 1987},
		{"Jessica", 16, 1988}, {"Sabrina", 12, 1984}, {"Agathe", 8, 2012}, {"Lina", 10, 2014},
	},
	Maghreb: {
		{"Fatima", 40, 1960}, {"Samira", 30, 1972}, {"Nadia", 30, 1970}, {"Leïla", 20, 1975}, {"Leila", 12, 1975},
		{"Yasmina", 20, 1980}, {"Amina", 24, 1985}, {"Sarah", 24, 1995}, {"Inès", 24, 2000}, {"Myriam", 20, 1988},
		{"Nawel", 16, 1988}, {"Karima", 20, 1972}, {"Malika", 22, 1962}, {"Khadija", 24, 1960}, {"Meryem", 14, 1995},
		{"Yasmine", 22, 1998}, {"Lina", 20, 2010}, {"Imane", 18, 1995}, {"Souad", 16, 1970}, {"Aïcha", 18, 1970},
		{"Aicha", 8, 1970}, {"Zohra", 14, 1955}, {"Kheira", 10, 1955}, {"Salma", 12, 2005},
	},
	WestAfrica: {
		{"Fatoumata", 36, 1985}, {"Aminata", 30, 1985}, {"Mariam", 24, 1988}, {"Aïssatou", 20, 1985},
		{"Aissatou", 10, 1985}, {"Kadiatou", 20, 1988}, {"Awa", 22, 1990}, {"Fanta", 18, 1985}, {"Oumou", 16, 1985},
		{"Djeneba", 14, 1988}, {"Hawa", 16, 1990}, {"Adama", 10, 1988}, {"Rokia", 12, 1985}, {"Binta", 12, 1990},
		{"Coumba", 12, 1985}, {"Aya", 12, 2010}, {"Maïmouna", 10, 1990},
	},
	Portugal: {
		{"Maria", 40, 1960}, {"Ana", 30, 1975}, {"Fernanda", 16, 1962}, {"Sandra", 22, 1975}, {"Sónia", 16, 1975},
		{"Sonia", 10, 1975}, {"Cristina", 20, 1970}, {"Isabel", 20, 1965}, {"Paula", 16, 1970}, {"Carla", 18, 1978},
		{"Rosa", 16, 1955}, {"Joana", 14, 1990}, {"Maria da Conceição", 6, 1955}, {"Maria de Fátima", 8, 1958},
	},
	Turkey: {
		{"Ayşe", 24, 1970}, {"Ayse", 10, 1970}, {"Fatma", 24, 1965}, {"Emine", 18, 1965}, {"Hatice", 16, 1962},
		{"Zeynep", 22, 2000}, {"Elif", 22, 1998}, {"Merve", 18, 1992}, {"Esra", 16, 1990}, {"Büşra", 12, 1995},
		{"Melek", 12, 1985}, {"Derya", 12, 1982}, {"Sevgi", 10, 1978},
	},
	Vietnam: {
		{"Thi Mai", 14, 1965}, {"Thi Lan", 14, 1962}, {"Linh", 20, 1990}, {"Lan", 16, 1970}, {"Mai", 18, 1975},
		{"Huong", 14, 1970}, {"Thu", 12, 1975}, {"Hoa", 14, 1965}, {"Ngoc", 12, 1980}, {"Anh", 14, 1992},
		{"Trang", 12, 1990}, {"Thuy", 12, 1978},
	},
}

var givenM = map[Origin][]given{
	France: {
		{"Jean", 60, 1945}, {"Pierre", 40, 1950}, {"Michel", 40, 1950}, {"André", 26, 1935}, {"Jacques", 30, 1945},
		{"Bernard", 26, 1948}, {"Jean-Pierre", 28, 1952}, {"Jean-Claude", 22, 1950}, {"Jean-Luc", 14, 1960},
		{"Philippe", 34, 1960}, {"Alain", 30, 1955}, {"Patrick", 32, 1958}, {"Christophe", 34, 1970},
		{"Stéphane", 32, 1970}, {"Laurent", 30, 1968}, {"Frédéric", 28, 1972}, {"Éric", 28, 1965}, {"Eric", 10, 1965},
		{"Sébastien", 32, 1976}, {"Nicolas", 34, 1980}, {"Julien", 32, 1982}, {"Jérôme", 24, 1975}, {"Cédric", 20, 1978},
		{"David", 28, 1975}, {"Anthony", 24, 1988}, {"Kévin", 30, 1993}, {"Kevin", 10, 1993}, {"Jérémy", 24, 1990},
		{"Maxime", 28, 1995}, {"Thomas", 32, 1990}, {"Alexandre", 28, 1992}, {"Romain", 26, 1988}, {"Loïc", 14, 1985},
		{"Lucas", 30, 2003}, {"Hugo", 28, 2005}, {"Théo", 24, 2005}, {"Nathan", 26, 2006}, {"Enzo", 22, 2006},
		{"Louis", 24, 2012}, {"Gabriel", 26, 2015}, {"Raphaël", 22, 2014}, {"Jules", 22, 2012}, {"Maël", 14, 2012},
		{"Arthur", 22, 2016}, {"Noé", 12, 2016}, {"Dylan", 16, 1997}, {"Florian", 20, 1990}, {"Grégory", 16, 1975},
		{"François", 20, 1955}, {"Gérard", 22, 1950}, {"Daniel", 22, 1950}, {"Marc", 20, 1962},
	},
	Maghreb: {
		{"Mohamed", 50, 1970}, {"Mohammed", 22, 1970}, {"Ahmed", 30, 1960}, {"Karim", 28, 1978}, {"Mehdi", 26, 1988},
		{"Youssef", 24, 1995}, {"Rachid", 26, 1968}, {"Nabil", 20, 1982}, {"Samir", 22, 1975}, {"Sofiane", 22, 1990},
		{"Bilal", 18, 1998}, {"Yanis", 22, 2005}, {"Ayoub", 18, 2000}, {"Adam", 22, 2012}, {"Ilyes", 14, 2005},
		{"Abdelkader", 16, 1955}, {"Mustapha", 18, 1960}, {"Hamid", 16, 1962}, {"Khaled", 14, 1975}, {"Walid", 16, 1985},
		{"Mouloud", 10, 1950}, {"Rayan", 18, 2008},
	},
	WestAfrica: {
		{"Mamadou", 36, 1985}, {"Moussa", 30, 1985}, {"Ibrahima", 24, 1985}, {"Abdoulaye", 24, 1982}, {"Ousmane", 20, 1985},
		{"Amadou", 22, 1982}, {"Cheikh", 14, 1985}, {"Seydou", 14, 1980}, {"Souleymane", 16, 1988}, {"Boubacar", 16, 1985},
		{"Modibo", 8, 1980}, {"Lamine", 14, 1990}, {"Idrissa", 12, 1990}, {"Bakary", 14, 1985}, {"Issa", 12, 2005},
	},
	Portugal: {
		{"João", 30, 1970}, {"Joao", 8, 1970}, {"José", 34, 1960}, {"Manuel", 28, 1958}, {"António", 22, 1958},
		{"Antonio", 10, 1958}, {"Paulo", 18, 1972}, {"Carlos", 20, 1968}, {"Fernando", 18, 1962}, {"Rui", 14, 1975},
		{"Luís", 14, 1975}, {"Pedro", 14, 1985}, {"Tiago", 14, 1995}, {"Diogo", 12, 1998},
	},
	Turkey: {
		{"Mehmet", 30, 1970}, {"Mustafa", 24, 1968}, {"Ahmet", 22, 1970}, {"Ali", 22, 1972}, {"Hüseyin", 16, 1965},
		{"Huseyin", 6, 1965}, {"Hasan", 18, 1968}, {"Ibrahim", 14, 1975}, {"Emre", 18, 1995}, {"Murat", 18, 1980},
		{"Yusuf", 18, 2005}, {"Ömer", 12, 2000}, {"Omer", 6, 2000}, {"Enes", 12, 2002}, {"Burak", 14, 1995},
		{"Kerem", 10, 2008},
	},
	Vietnam: {
		{"Van Minh", 10, 1965}, {"Minh", 20, 1985}, {"Tuan", 16, 1980}, {"Dung", 12, 1975}, {"Hung", 14, 1970},
		{"Thanh", 16, 1975}, {"Duc", 14, 1980}, {"Quang", 12, 1978}, {"Long", 12, 1990}, {"Nam", 12, 1992},
		{"Hai", 10, 1985},
	},
}

// Commune is a French commune with one of its postal codes.
type Commune struct {
	Name       string
	PostalCode string
	// INSEE is the commune's official code, used in the NIR of people
	// born there.
	INSEE string
}

// communes of the Rhône and the Lyon metropolis, where the demo
// structures are, weighted by population.
var communes = []struct {
	c Commune
	n int
}{
	{Commune{"Lyon 3e Arrondissement", "69003", "69383"}, 100}, {Commune{"Lyon 7e Arrondissement", "69007", "69387"}, 85},
	{Commune{"Lyon 8e Arrondissement", "69008", "69388"}, 85}, {Commune{"Lyon 9e Arrondissement", "69009", "69389"}, 50},
	{Commune{"Villeurbanne", "69100", "69266"}, 150}, {Commune{"Vénissieux", "69200", "69259"}, 66},
	{Commune{"Vaulx-en-Velin", "69120", "69256"}, 51}, {Commune{"Saint-Priest", "69800", "69290"}, 47},
	{Commune{"Bron", "69500", "69029"}, 42}, {Commune{"Caluire-et-Cuire", "69300", "69034"}, 43},
	{Commune{"Rillieux-la-Pape", "69140", "69286"}, 31}, {Commune{"Villefranche-sur-Saône", "69400", "69264"}, 36},
	{Commune{"Meyzieu", "69330", "69282"}, 34}, {Commune{"Décines-Charpieu", "69150", "69275"}, 29},
	{Commune{"Oullins-Pierre-Bénite", "69600", "69149"}, 37}, {Commune{"Givors", "69700", "69091"}, 20},
	{Commune{"Saint-Fons", "69190", "69199"}, 19}, {Commune{"Écully", "69130", "69081"}, 18},
	{Commune{"Tassin-la-Demi-Lune", "69160", "69244"}, 22}, {Commune{"Tarare", "69170", "69243"}, 10},
	{Commune{"Saint-Genis-Laval", "69230", "69204"}, 21}, {Commune{"Mions", "69780", "69283"}, 13},
	{Commune{"Belleville-en-Beaujolais", "69220", "69019"}, 13}, {Commune{"L'Arbresle", "69210", "69010"}, 6},
}

// Birth places outside the Rhône: other French cities, with their INSEE
// code, and foreign countries with the INSEE country code used in NIRs.
type birthPlace struct {
	label string
	dept  string // "99" abroad
	code  string // commune within the département, or country code abroad
}

var frenchBirthPlaces = []birthPlace{
	{"Paris", "75", "056"}, {"Marseille", "13", "055"}, {"Saint-Étienne", "42", "218"}, {"Grenoble", "38", "185"},
	{"Lille", "59", "350"}, {"Roubaix", "59", "512"}, {"Clermont-Ferrand", "63", "113"}, {"Bourg-en-Bresse", "01", "053"},
	{"Mâcon", "71", "270"}, {"Valence", "26", "362"}, {"Toulouse", "31", "555"}, {"Nantes", "44", "109"},
	{"Strasbourg", "67", "482"}, {"Metz", "57", "463"}, {"Montpellier", "34", "172"}, {"Dijon", "21", "231"},
	{"Brest", "29", "019"}, {"Saint-Denis (La Réunion)", "97", "411"}, {"Pointe-à-Pitre", "97", "120"},
}

var foreignBirthPlaces = map[Origin][]birthPlace{
	Maghreb: {{"Alger (Algérie)", "99", "352"}, {"Oran (Algérie)", "99", "352"}, {"Constantine (Algérie)", "99", "352"},
		{"Sétif (Algérie)", "99", "352"}, {"Casablanca (Maroc)", "99", "350"}, {"Oujda (Maroc)", "99", "350"},
		{"Fès (Maroc)", "99", "350"}, {"Tunis (Tunisie)", "99", "351"}, {"Sfax (Tunisie)", "99", "351"}},
	WestAfrica: {{"Bamako (Mali)", "99", "335"}, {"Kayes (Mali)", "99", "335"}, {"Dakar (Sénégal)", "99", "341"},
		{"Thiès (Sénégal)", "99", "341"}, {"Abidjan (Côte d'Ivoire)", "99", "326"}, {"Conakry (Guinée)", "99", "330"}},
	Portugal: {{"Porto (Portugal)", "99", "139"}, {"Braga (Portugal)", "99", "139"}, {"Viseu (Portugal)", "99", "139"},
		{"Chaves (Portugal)", "99", "139"}, {"Lisbonne (Portugal)", "99", "139"}},
	Turkey: {{"Istanbul (Turquie)", "99", "208"}, {"Ankara (Turquie)", "99", "208"}, {"Kayseri (Turquie)", "99", "208"},
		{"Konya (Turquie)", "99", "208"}},
	Vietnam: {{"Hô Chi Minh-Ville (Viêt Nam)", "99", "243"}, {"Hanoï (Viêt Nam)", "99", "243"}, {"Huế (Viêt Nam)", "99", "243"}},
}

// Street names, weighted: the names every French town has.
var streets = []w{
	{"rue de la République", 30}, {"avenue Jean Jaurès", 28}, {"rue Victor Hugo", 26}, {"boulevard Gambetta", 16},
	{"rue Pasteur", 22}, {"rue du Général de Gaulle", 20}, {"avenue de la Libération", 16}, {"rue Jules Ferry", 18},
	{"rue Émile Zola", 16}, {"place de la Mairie", 8}, {"rue de l'Église", 16}, {"allée des Tilleuls", 10},
	{"impasse des Lilas", 8}, {"chemin des Vignes", 8}, {"rue des Acacias", 10}, {"avenue Henri Barbusse", 12},
	{"rue Anatole France", 14}, {"cours Émile Zola", 8}, {"rue Paul Verlaine", 8}, {"rue Marcel Pagnol", 8},
	{"avenue Roger Salengro", 10}, {"rue du 8 Mai 1945", 10}, {"rue de la Paix", 10}, {"rue Louis Pergaud", 4},
	{"rue Lamartine", 10}, {"rue Voltaire", 12}, {"rue Jean Moulin", 14}, {"rue Danton", 6},
	{"montée de la Grande Côte", 3}, {"quai Perrache", 3}, {"rue Francis de Pressensé", 5}, {"rue Léon Blum", 10},
	{"avenue Salvador Allende", 8}, {"rue Pierre et Marie Curie", 10}, {"allée Aimé Césaire", 4},
	{"rue Ambroise Croizat", 6}, {"chemin du Moulin", 6},
}

// Residences give the second address line of many social-housing flats.
var residences = []string{
	"Résidence Les Érables", "Résidence Le Parc", "Cité des Marronniers", "Résidence Les Tilleuls",
	"Résidence Le Mas du Taureau", "Résidence Les Minguettes", "Résidence Bel Air", "Résidence Les Buers",
	"Résidence Saint-Jean", "Résidence Le Tonkin",
}
